/**
 * The {@code text/event-stream} protocol: the {@link dev.herald.sse.SseEvent} value, the
 * {@link dev.herald.sse.SseEncoder} and the incremental {@link dev.herald.sse.EventStreamParser},
 * exact to the WHATWG HTML "Server-sent events" algorithm. No dependencies beyond the JDK.
 */
package dev.herald.sse;
