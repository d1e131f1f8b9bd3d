package dev.herald.hub.log;

import dev.herald.hub.Update;

/** An update as stored: its position in the log (ascending, gap-free per log) and the update with its id. */
public record Entry(long sequence, Update update) {}
