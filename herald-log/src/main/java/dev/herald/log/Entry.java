package dev.herald.log;


/** An update as stored: its position in the log (ascending, gap-free per log) and the update with its id. */
public record Entry(long sequence, Update update) {}
