package org.rcnn4j.backend.cpu;

import java.util.function.Consumer;

/**
 * Until C2 compiles it, Vector API code runs as allocating Java some thousand times slower than scalar code: the
 * first convolution of a program would take seconds. So a program starts on the scalar kernel while a daemon
 * thread calls the vector kernel on tiny tiles until a call is fast (compiled), then hands it over.
 */
final class SgemmWarmUp {
    /** A compiled 6 x 32 x 8 call takes tens of nanoseconds, an interpreted one hundreds of microseconds. */
    private static final long FAST_NANOS_PER_CALL = 2_000;
    /**
     * Depth of the warm-up calls. With depth 1 the kc loop's back branch is never taken, so C2 compiles it as an
     * uncommon trap: the first real call (kc in the hundreds) deoptimizes the kernel and it runs as allocating
     * Java again until C2 recompiles it, which on a busy machine cost tens of seconds of the first GEMMs.
     */
    private static final int WARM_KC = 8;
    private static final int CALLS_PER_BATCH = 256;
    private static final int FAST_BATCHES = 3;
    private static final long GIVE_UP_NANOS = 120_000_000_000L;

    private SgemmWarmUp() {
    }

    /**
     * The driver to use now: over {@code best} when it needs no warm-up (the scalar kernel), else over a scalar
     * stand-in of {@code best}'s tile shape ({@link SgemmStandInKernel}), with {@code onReady} called from the
     * warm-up thread once {@code best} runs compiled.
     */
    static SgemmDriver start(SgemmKernel best, Consumer<SgemmKernel> onReady) {
        if (best instanceof SgemmScalarKernel) {
            return new SgemmDriver(best);
        }
        Thread t = new Thread(() -> {
            if (warm(best)) {
                onReady.accept(best);
            }
        }, "rcnn4j-gemm-warmup");
        t.setDaemon(true);
        t.start();
        return new SgemmDriver(new SgemmStandInKernel(best.mr(), best.nr()));
    }

    /** Calls the kernel until batches of calls run fast; false if that never happens (e.g. -Xint). */
    static boolean warm(SgemmKernel k) {
        int kc = WARM_KC;
        float[] a = new float[k.mr() * kc];
        float[] b = new float[k.nr() * kc];
        float[] c = new float[k.mr() * k.nr()];
        long start = System.nanoTime();
        int fast = 0;
        while (System.nanoTime() - start < GIVE_UP_NANOS) {
            long t = System.nanoTime();
            for (int i = 0; i < CALLS_PER_BATCH; i++) {
                k.multiply(kc, a, 0, b, 0, c, 0, k.nr(), (i & 1) == 0);
                // the packers' strip copy is Vector API code as well: compiled before the hand-over too
                k.copyStripRow(b, (i & 7) * k.nr(), c, 0);
            }
            fast = System.nanoTime() - t < FAST_NANOS_PER_CALL * CALLS_PER_BATCH ? fast + 1 : 0;
            if (fast >= FAST_BATCHES) {
                return true;
            }
        }
        return false;
    }
}
