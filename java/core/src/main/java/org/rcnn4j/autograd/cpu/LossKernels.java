package org.rcnn4j.autograd.cpu;

/** Loss values and their gradients, per element, on host doubles (torch's formulas). */
public final class LossKernels {
    private LossKernels() {
    }

    /** smooth_l1 per element: 0.5 d^2 / beta where |d| &lt; beta, else |d| - 0.5 beta (plain L1 for beta 0). */
    public static double smoothL1(double d, double beta) {
        double a = Math.abs(d);
        return a < beta ? 0.5 * d * d / beta : a - 0.5 * beta;
    }

    /** d smooth_l1 / d d. */
    public static double smoothL1Grad(double d, double beta) {
        return Math.abs(d) < beta ? d / beta : Math.signum(d);
    }

    /** max(x,0) - x y + log(1 + exp(-|x|)): BCE of sigmoid(x) against y without overflow. */
    public static double bceWithLogits(double x, double y) {
        return Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Every target is a class in [0, c) or ignoreIndex (cross_entropy's check, for kernels that cannot throw). */
    public static void checkTargets(long[] targets, int c, long ignoreIndex) {
        for (long t : targets) {
            if (t != ignoreIndex) {
                checkTarget(t, c);
            }
        }
    }

    private static void checkTarget(long t, int c) {
        if (t < 0 || t >= c) {
            throw new IllegalArgumentException("cross_entropy: target " + t + " out of range for " + c + " classes");
        }
    }

    /**
     * Cross entropy of rows of logits [n,c] against class indices, ignoring ignoreIndex: returns the summed loss
     * and fills grad (unscaled: softmax - onehot per counted row, 0 for ignored rows) and counted[0].
     */
    public static double crossEntropy(double[] logits, int n, int c, long[] targets, long ignoreIndex,
            double[] grad, int[] counted) {
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            long t = targets[i];
            if (t == ignoreIndex) {
                continue;
            }
            checkTarget(t, c);
            int o = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits[o + j]);
            }
            double z = 0;
            for (int j = 0; j < c; j++) {
                z += Math.exp(logits[o + j] - max);
            }
            double lse = max + Math.log(z);
            total += lse - logits[o + (int) t];
            for (int j = 0; j < c; j++) {
                grad[o + j] = Math.exp(logits[o + j] - lse);
            }
            grad[o + (int) t] -= 1.0;
            count++;
        }
        counted[0] = count;
        return total;
    }
}
