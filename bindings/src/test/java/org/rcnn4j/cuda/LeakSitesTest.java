package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * -Drcnn4j.debug.leaks=true: every buffer leaked through an owner made while it is set is logged (not only the
 * first) with the stack of its allocation, so that the warning says which code leaked it; and the warning comes
 * before the count, so that it shows in the output of the code that waits for the leak (once it showed in the next
 * test class's).
 */
class LeakSitesTest {
    private static final long DEADLINE_NANOS = 30_000_000_000L;
    /** Held here: java.util.logging keeps loggers only weakly. */
    private static final Logger LOGGER = Logger.getLogger("org.rcnn4j.cuda");

    @Test
    void eachLeakIsLoggedWithWhereItWasAllocated() {
        CudaDevice shared = TestDevice.get();
        String previous = System.setProperty(Allocations.DEBUG_LEAKS, "true");
        CudaDevice handle;
        try {
            handle = shared.openHandle("LeakSitesTest's handle");
        } finally {
            if (previous == null) {
                System.clearProperty(Allocations.DEBUG_LEAKS);
            } else {
                System.setProperty(Allocations.DEBUG_LEAKS, previous);
            }
        }
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith("LeakSitesTest's handle")) {
                    synchronized (records) {
                        records.add(r);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        LOGGER.addHandler(handler);
        try {
            allocateAndDrop(handle, 32);
            allocateAndDrop(handle, 64);
            assertTrue(collectUntil(() -> handle.leakedBuffers() >= 2), "leaked: " + handle.leakedBuffers());
            synchronized (records) {
                // logged before counted: a test that waits for its own leak has its warning in its own output
                assertEquals(2, records.size(), "leaks logged by the time they are counted");
                for (LogRecord r : records) {
                    assertEquals(Level.WARNING, r.getLevel());
                    assertTrue(r.getMessage().contains("garbage-collected without close()"), r.getMessage());
                    Throwable site = r.getThrown();
                    assertNotNull(site, "the allocation site: " + r.getMessage());
                    assertTrue(Arrays.stream(site.getStackTrace()).anyMatch(f -> f.getClassName().equals(
                            LeakSitesTest.class.getName()) && f.getMethodName().equals("allocateAndDrop")),
                            "the stack names the leaking method: " + Arrays.toString(site.getStackTrace()));
                }
            }
        } finally {
            LOGGER.removeHandler(handler);
            handle.close();
        }
    }

    /** Allocates a buffer through the handle and drops it unclosed. */
    private static void allocateAndDrop(CudaDevice handle, long bytes) {
        handle.allocate(bytes);
    }

    /** Collects until {@code done} holds or the deadline passes; false then. */
    private static boolean collectUntil(BooleanSupplier done) {
        long end = System.nanoTime() + DEADLINE_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            System.gc();
            Thread.onSpinWait();
        }
        return true;
    }
}
