package dev.herald.hub;

import dev.herald.log.EventLog;
import dev.herald.server.FanOut;

/**
 * A log and the fan-out its appends feed: the ordinary updates, and, with presence on, the
 * subscription events (a log of their own, so that they never take the updates' retention). Each has
 * its own sequences, which is why a subscription follows one feed only.
 */
record Feed(EventLog log, FanOut<Dispatched> fanOut) {
}
