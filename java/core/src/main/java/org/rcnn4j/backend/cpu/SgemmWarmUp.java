package org.rcnn4j.backend.cpu;

import java.util.function.Consumer;

/**
 * The GEMM's side of {@link VectorWarmUp}: a program starts on a scalar stand-in of the vector kernel's tile shape
 * while a daemon thread calls the vector kernel on tiny tiles until it is compiled, then hands it over (the first
 * convolution of a program would otherwise take seconds).
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
        VectorWarmUp.start("rcnn4j-gemm-warmup", batch(best), FAST_NANOS_PER_CALL * CALLS_PER_BATCH,
                () -> onReady.accept(best));
        return new SgemmDriver(new SgemmStandInKernel(best.mr(), best.nr()));
    }

    /** Calls the kernel until it runs compiled (benchmarks wait for it); false if it never does (e.g. -Xint). */
    static boolean warm(SgemmKernel k) {
        return VectorWarmUp.warm(batch(k), FAST_NANOS_PER_CALL * CALLS_PER_BATCH);
    }

    /** {@value #CALLS_PER_BATCH} calls of the kernel on a tiny tile, and of the packers' strip copy. */
    private static Runnable batch(SgemmKernel k) {
        int kc = WARM_KC;
        float[] a = new float[k.mr() * kc];
        float[] b = new float[k.nr() * kc];
        float[] c = new float[k.mr() * k.nr()];
        return () -> {
            for (int i = 0; i < CALLS_PER_BATCH; i++) {
                k.multiply(kc, a, 0, b, 0, c, 0, k.nr(), (i & 1) == 0);
                // the packers' strip copy is Vector API code as well: compiled before the hand-over too
                k.copyStripRow(b, (i & 7) * k.nr(), c, 0);
            }
        };
    }
}
