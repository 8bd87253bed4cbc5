package org.rcnn4j.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The readers' contract under fuzzing (issue 17): for any input, a result, or an exception of the reader's
 * documented type whose one-line message names the input; never another exception, a stack overflow or an
 * out-of-memory, never longer than {@link #TIME_LIMIT_S} seconds, and never more allocation than the bound the
 * caller derives from the input's size (measured on the thread that runs the reader).
 */
final class Contract {
    static final long TIME_LIMIT_S = 15;
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rcnn4j-fuzz");
        t.setDaemon(true); // a reader that hangs must not keep the test JVM alive
        return t;
    });

    /** The reader under test. */
    @FunctionalInterface
    interface Reader {
        void read() throws Throwable;
    }

    private Contract() {
    }

    /**
     * Runs {@code reader} on {@code input} and checks the contract.
     *
     * @param expected  the documented exception type(s)
     * @param names     what a documented exception's message must contain (the input's name), null for no check
     * @param maxBytes  the allocation bound for this input
     */
    static void check(String what, byte[] input, Reader reader, Predicate<Throwable> expected, String names,
            long maxBytes) {
        Future<long[]> f = RUNNER.submit(() -> {
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            try {
                reader.read();
            } catch (Throwable t) {
                long used = mx.getThreadAllocatedBytes(id) - before;
                if (!expected.test(t)) {
                    throw new AssertionError(what + ": undocumented " + t + " for " + describe(input), t);
                }
                String m = t.getMessage();
                if (m == null || m.isBlank() || m.contains("\n")) {
                    throw new AssertionError(what + ": message must be one line, got '" + m + "' for "
                            + describe(input), t);
                }
                if (names != null && !m.contains(names)) {
                    throw new AssertionError(what + ": message '" + m + "' does not name " + names + " for "
                            + describe(input), t);
                }
                return new long[] {used};
            }
            return new long[] {mx.getThreadAllocatedBytes(id) - before};
        });
        long used;
        try {
            used = f.get(TIME_LIMIT_S, TimeUnit.SECONDS)[0];
        } catch (TimeoutException e) {
            f.cancel(true);
            fail(what + ": still running after " + TIME_LIMIT_S + " s on " + describe(input));
            return;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError(what + ": " + e.getCause() + " on " + describe(input), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (used > maxBytes) {
            fail(what + ": allocated " + used + " bytes, more than the " + maxBytes + " allowed for "
                    + describe(input));
        }
    }

    /** The input's size and first bytes, to reproduce a failure by eye. */
    static String describe(byte[] input) {
        int n = Math.min(input.length, 48);
        return input.length + " bytes starting " + HexFormat.of().formatHex(input, 0, n);
    }
}
