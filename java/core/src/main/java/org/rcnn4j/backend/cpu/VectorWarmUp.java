package org.rcnn4j.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Until C2 compiles it, Vector API code runs as allocating Java, a thousand times slower than scalar code, so the
 * first call of a program would take seconds. Code that has a vector form therefore starts on its scalar form while
 * a daemon thread runs the vector form on a tiny input until it is fast (compiled), then hands it over.
 */
final class VectorWarmUp {
    /** Warm-up threads still running (neither handed over nor given up). */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    /** Consecutive fast batches that count as compiled. */
    private static final int FAST_BATCHES = 3;
    /** Never compiled within this (-Xint, or a JVM that does not intrinsify the Vector API): stay scalar. */
    static final long GIVE_UP_NANOS = 120_000_000_000L;
    /**
     * Not fast after this long, the batches go on at a tenth of a core: each is followed by a pause
     * {@value #PAUSE_PER_BATCH} times its length. A kernel that C2 compiled without its intrinsics stays slow for good
     * (JDK 17 did that once to a float kernel compiled after another's half-width vectors), and its warm-up would
     * otherwise take a core from the real work until it gives up.
     */
    static final long THROTTLE_AFTER_NANOS = 10_000_000_000L;
    static final int PAUSE_PER_BATCH = 9;

    private VectorWarmUp() {
    }

    /**
     * Starts a daemon thread named {@code name} that runs {@code batch} until it is fast, then runs
     * {@code onReady}; the caller keeps its scalar form until then.
     */
    static void start(String name, Runnable batch, long fastNanosPerBatch, Runnable onReady) {
        RUNNING.incrementAndGet();
        Thread t = new Thread(() -> {
            try {
                if (warm(batch, fastNanosPerBatch)) {
                    onReady.run();
                }
            } finally {
                RUNNING.decrementAndGet();
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Waits until every warm-up started so far has handed over or given up, at most {@code timeoutNanos}. */
    static boolean awaitAll(long timeoutNanos) {
        long end = System.nanoTime() + timeoutNanos;
        while (RUNNING.get() > 0) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code batch} until {@value #FAST_BATCHES} in a row take under {@code fastNanosPerBatch} each, throttled
     * after {@link #THROTTLE_AFTER_NANOS}; false when that has not happened within {@link #GIVE_UP_NANOS}.
     */
    static boolean warm(Runnable batch, long fastNanosPerBatch) {
        return warm(batch, fastNanosPerBatch, System::nanoTime, LockSupport::parkNanos);
    }

    /** {@link #warm(Runnable, long)} on the given clock and pause. */
    static boolean warm(Runnable batch, long fastNanosPerBatch, LongSupplier clock, LongConsumer pause) {
        long start = clock.getAsLong();
        int fast = 0;
        while (clock.getAsLong() - start < GIVE_UP_NANOS) {
            long t = clock.getAsLong();
            batch.run();
            long took = clock.getAsLong() - t;
            fast = took < fastNanosPerBatch ? fast + 1 : 0;
            if (fast >= FAST_BATCHES) {
                return true;
            }
            if (t - start >= THROTTLE_AFTER_NANOS) {
                pause.accept(PAUSE_PER_BATCH * took);
            }
        }
        return false;
    }
}
