package org.rcnn4j.testing;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running a piece of code (HotSpot's per-thread counter). */
public final class Allocation {
    private Allocation() {
    }

    /** Code that may throw anything (assertions included). */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    /** Runs {@code body} and returns the bytes this thread allocated meanwhile; rethrows what it throws. */
    public static long measure(Body body) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
