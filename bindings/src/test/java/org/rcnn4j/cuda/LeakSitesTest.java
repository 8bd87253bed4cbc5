package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private static final String OWNER = "LeakSitesTest's handle";

    /** A leak's warning, and the owner's leak count when it was logged. */
    private record Warning(LogRecord record, long leakedBefore) {
    }

    @Test
    void eachLeakIsLoggedWithWhereItWasAllocatedBeforeItIsCounted() throws InterruptedException {
        CudaDevice handle = handleWithLeakSites();
        List<Warning> warnings = new ArrayList<>();
        CountDownLatch logged = new CountDownLatch(2);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith(OWNER)) {
                    synchronized (warnings) {
                        warnings.add(new Warning(r, handle.leakedBuffers()));
                    }
                    logged.countDown();
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
            long end = System.nanoTime() + DEADLINE_NANOS;
            while (!logged.await(10, TimeUnit.MILLISECONDS) && System.nanoTime() < end) {
                System.gc();
            }
            synchronized (warnings) {
                assertEquals(2, warnings.size(), "leaks logged (leaked: " + handle.leakedBuffers() + ")");
                for (int i = 0; i < 2; i++) {
                    LogRecord r = warnings.get(i).record();
                    // logged before counted: a test that waits for its own leak has the warning in its own output
                    assertEquals(i, warnings.get(i).leakedBefore(), "leaks counted when leak " + (i + 1)
                            + " was logged");
                    assertEquals(Level.WARNING, r.getLevel());
                    assertTrue(r.getMessage().contains("garbage-collected without close() (leak " + (i + 1) + ")"),
                            r.getMessage());
                    Throwable site = r.getThrown();
                    assertNotNull(site, "the allocation site: " + r.getMessage());
                    assertTrue(Arrays.stream(site.getStackTrace()).anyMatch(f -> f.getClassName().equals(
                            LeakSitesTest.class.getName()) && f.getMethodName().equals("allocateAndDrop")),
                            "the stack names the leaking method: " + Arrays.toString(site.getStackTrace()));
                }
            }
            // and counted right after (the Cleaner's thread may still be between the second warning and its count)
            while (handle.leakedBuffers() < 2 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertEquals(2, handle.leakedBuffers());
        } finally {
            LOGGER.removeHandler(handler);
            handle.close();
        }
    }

    /** A handle on the test device made while -Drcnn4j.debug.leaks=true (the property restored afterwards). */
    private static CudaDevice handleWithLeakSites() {
        CudaDevice shared = TestDevice.get();
        String previous = System.setProperty(Allocations.DEBUG_LEAKS, "true");
        try {
            return shared.openHandle(OWNER);
        } finally {
            if (previous == null) {
                System.clearProperty(Allocations.DEBUG_LEAKS);
            } else {
                System.setProperty(Allocations.DEBUG_LEAKS, previous);
            }
        }
    }

    /** Allocates a buffer through the handle and drops it unclosed. */
    private static void allocateAndDrop(CudaDevice handle, long bytes) {
        handle.allocate(bytes);
    }
}
