package dev.herald.hub;

import dev.herald.log.Update;

/**
 * An update on its way to subscribers: the update and the scope in which every subscriber's
 * selectors are matched against it (each distinct template once, within one budget).
 */
record Dispatched(Update update, MatchScope scope) {}
