package dev.herald.log;

import java.util.List;

/**
 * The answer to {@link EventLog#readAfter}: the entries after the cursor, whether the cursor was
 * found (if not, the entries start at the earliest one retained), and the sequence the read went up
 * to, so that the caller can tell which later entries it has not seen.
 */
public record Replay(boolean cursorFound, List<Entry> entries, long upToSequence) {}
