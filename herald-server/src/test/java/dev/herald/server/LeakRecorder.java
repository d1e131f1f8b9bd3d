package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak detector (paranoid in tests, see the parent POM) fail tests instead of only
 * logging: it records every leak report, and {@link #assertNoLeaks()} forces collection and checks.
 * A test class takes both with {@code @ExtendWith(LeakRecorder.class)}.
 */
final class LeakRecorder implements org.junit.jupiter.api.extension.BeforeAllCallback,
    org.junit.jupiter.api.extension.AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
          long maxActive) {
        return new ResourceLeakDetector<T>(resource, samplingInterval) {
          @Override
          protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked:" + records);
          }

          @Override
          protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (untraced)");
          }
        };
      }
    });
  }

  /** For {@code @ExtendWith(LeakRecorder.class)}: records before a test class, fails after it on a leak. */
  LeakRecorder() {}

  @Override
  public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) {
    install();
  }

  @Override
  public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) throws InterruptedException {
    assertNoLeaks();
  }

  /** Installs the recording detector; call before any buffer is allocated. */
  static void install() {
    // the static initializer did the work
  }

  /** Collects garbage, lets the detector look, and fails if it reported anything. */
  static void assertNoLeaks() throws InterruptedException {
    for (int round = 0; round < 5; round++) {
      System.gc();
      Thread.sleep(50);
      // Leaks are reported when a tracked buffer is allocated after the leaked one was collected.
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      probe.release();
    }
    if (!LEAKS.isEmpty()) {
      throw new AssertionError("Netty buffers leaked:\n" + String.join("\n", LEAKS));
    }
  }
}
