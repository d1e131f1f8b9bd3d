package dev.herald.source;

import dev.herald.log.Update;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker in memory: messages at positions 0..n-1, a committed position that moves only on
 * acknowledge, and failures on demand. Polls start again from the committed position after a
 * connect, as a consumer group's do.
 */
final class ScriptedSource implements Source {
  private final List<Object> messages = new ArrayList<>(); // Update, or String: a refusal
  volatile int committed;
  private int next;
  volatile int failPolls;
  volatile int failAcknowledges;
  final AtomicInteger connects = new AtomicInteger();
  volatile boolean closed;

  synchronized void add(Update update) {
    messages.add(update);
  }

  synchronized void addRefused(String reason) {
    messages.add(reason);
  }

  @Override
  public String name() {
    return "scripted://memory";
  }

  @Override
  public synchronized void connect() {
    connects.incrementAndGet();
    next = committed;
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
    synchronized (this) {
      if (failPolls > 0) {
        failPolls--;
        throw new java.io.IOException("connection reset");
      }
      if (next < messages.size()) {
        List<Update> updates = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        int end = Math.min(messages.size(), next + maxMessages);
        for (int i = next; i < end; i++) {
          if (messages.get(i) instanceof Update update) {
            updates.add(update);
          } else {
            refused.add((String) messages.get(i));
          }
        }
        next = end;
        return new SourceBatch(updates, refused, end);
      }
    }
    Thread.sleep(Math.min(wait.toMillis(), 5));
    return SourceBatch.EMPTY;
  }

  @Override
  public synchronized void acknowledge(SourceBatch batch) throws Exception {
    if (failAcknowledges > 0) {
      failAcknowledges--;
      throw new java.io.IOException("commit failed");
    }
    committed = (Integer) batch.position();
  }

  @Override
  public synchronized long lag() {
    return messages.size() - committed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
