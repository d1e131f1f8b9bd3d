package dev.herald.log;

import java.time.Instant;

/**
 * A log that lost entries it had stored and acknowledged: a store that restarted without its data,
 * failed over to a replica that lacked the last writes, or was flushed. The log goes on from what the
 * store holds now; readers must forget what they knew of the entries after {@code resumedAfter} (their
 * sequences may come again with other updates), and subscribers should reconnect so that their cursor
 * is looked up in the log as it now is.
 *
 * @param lastKnown    the newest sequence this node had seen before the loss
 * @param resumedAfter the newest sequence of the store now: entries after it reach listeners again
 * @param cause        what happened, in an operator's words
 * @param at           when the loss was noticed
 */
public record LogLoss(long lastKnown, long resumedAfter, String cause, Instant at) {}
