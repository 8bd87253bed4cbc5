package org.rcnn4j.backend.cpu;

/**
 * {@code (float) Math.exp(x)} for many x at once, bit for bit: a vector approximation where it decides the float
 * result, Math.exp itself where it does not.
 *
 * <p>The approximation y (of {@link ExpApprox}) is within 2^-45 of exp(x) relative, and Math.exp within one
 * double ulp (2^-52). So both lie in [y - y*2^-40, y + y*2^-40]; rounding to float is monotone, so where both ends
 * of that window round to the same float, Math.exp's value rounds to it too and y can stand in for it. Elsewhere
 * (a float boundary inside the window: about one x in 2^16), and for |x| &gt; 80 or NaN, Math.exp runs.
 *
 * <p>Like the GEMM's micro-kernel ({@link VectorWarmUp}), the vector code runs thousands of times slower until C2
 * compiles it (the first decode of a program took 2.2 s): a program starts on Math.exp while a daemon thread calls
 * the vector code until it is fast, then hands it over. Either way every float is Math.exp's.
 */
final class ExpF32 {
    /** Half-width of the window, relative: 32 times the approximation's error bound. */
    static final double WINDOW = 0x1p-40;
    /** Beyond this the window check is not needed often enough to bother: Math.exp runs. */
    static final double RANGE = 80;

    /** A compiled call on 64 values takes well under a microsecond, an interpreted one a hundred or more. */
    private static final long FAST_NANOS_PER_CALL = 5_000;
    private static final int CALLS_PER_BATCH = 256;

    private static volatile ExpApprox current = start(ExpApprox.best());

    private ExpF32() {
    }

    /** The approximation in use now (for tests and logs). */
    static ExpApprox approx() {
        return current;
    }

    /** y[i] = an approximation of exp(x[i]) for i &lt; n, to be finished by {@link #finish}. */
    static void approximate(double[] x, double[] y, int n) {
        current.exp(x, y, n);
    }

    /**
     * (float) Math.exp(x), given {@link #approximate}'s y for this x: y within 2^-45 of exp(x) relative, or
     * Math.exp's own value (before the hand-over), which the window check passes alike.
     */
    static float finish(double x, double y) {
        if (Math.abs(x) <= RANGE) {
            float lo = (float) (y - y * WINDOW);
            if (lo == (float) (y + y * WINDOW)) {
                return lo;
            }
        }
        return (float) Math.exp(x);
    }

    /** Math.exp now, and {@code best} from when its warm-up thread finds it compiled. */
    private static ExpApprox start(ExpApprox best) {
        if (best.exact()) {
            return best;
        }
        double[] x = new double[64];
        double[] y = new double[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 8.0 - 4;
        }
        VectorWarmUp.start("rcnn4j-exp-warmup", () -> {
            for (int i = 0; i < CALLS_PER_BATCH; i++) {
                best.exp(x, y, x.length);
            }
        }, FAST_NANOS_PER_CALL * CALLS_PER_BATCH, () -> current = best);
        return new ExpApprox.Scalar();
    }
}
