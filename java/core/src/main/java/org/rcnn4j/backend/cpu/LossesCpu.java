package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Losses;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The losses on the host, in double whatever the dtype (F32 operands are widened, results rounded back): sums
 * run sequentially in element order. Also the per-element formulas (torch's) the CUDA tests compare against.
 */
final class LossesCpu implements Losses {

    @Override
    public Tensor smoothL1(Tensor x, Tensor y, double beta, double scale) {
        OpChecks.floatingPair("input", x, "target", y);
        double[] xd = HostDoubles.read(x);
        double[] yd = HostDoubles.read(y);
        double s = 0;
        for (int i = 0; i < xd.length; i++) {
            s += smoothL1(xd[i] - yd[i], beta);
        }
        return HostDoubles.of(new double[] {s * scale}, x.dtype());
    }

    @Override
    public Tensor[] smoothL1Backward(Tensor x, Tensor y, double beta, double scale, Tensor g, boolean wantX,
            boolean wantY) {
        OpChecks.floatingPair("input", x, "target", y);
        double[] xd = HostDoubles.read(x);
        double[] yd = HostDoubles.read(y);
        double k = HostDoubles.read(g)[0] * scale;
        double[] gx = new double[xd.length];
        for (int i = 0; i < xd.length; i++) {
            gx[i] = k * smoothL1Grad(xd[i] - yd[i], beta);
        }
        return new Tensor[] {wantX ? HostDoubles.of(gx, x.dtype(), x.shape()) : null,
                wantY ? HostDoubles.of(ElementwiseCpu.scale(gx, -1.0), x.dtype(), x.shape()) : null};
    }

    @Override
    public Tensor bceWithLogits(Tensor x, Tensor y) {
        OpChecks.floatingPair("input", x, "target", y);
        double[] xd = HostDoubles.read(x);
        double[] yd = HostDoubles.read(y);
        double s = 0;
        for (int i = 0; i < xd.length; i++) {
            s += bceWithLogits(xd[i], yd[i]);
        }
        return HostDoubles.of(new double[] {s * (1.0 / xd.length)}, x.dtype());
    }

    @Override
    public Tensor[] bceWithLogitsBackward(Tensor x, Tensor y, Tensor g, boolean wantX, boolean wantY) {
        OpChecks.floatingPair("input", x, "target", y);
        double[] xd = HostDoubles.read(x);
        double[] yd = HostDoubles.read(y);
        double k = HostDoubles.read(g)[0] * (1.0 / xd.length);
        Tensor[] r = new Tensor[2];
        if (wantX) {
            double[] gx = new double[xd.length];
            for (int i = 0; i < xd.length; i++) {
                gx[i] = k * (ElementwiseCpu.sigmoid(xd[i]) - yd[i]);
            }
            r[0] = HostDoubles.of(gx, x.dtype(), x.shape());
        }
        if (wantY) {
            double[] gy = new double[xd.length];
            for (int i = 0; i < xd.length; i++) {
                gy[i] = -k * xd[i];
            }
            r[1] = HostDoubles.of(gy, x.dtype(), x.shape());
        }
        return r;
    }

    /** saved: F64 [rows * classes + 1], the unscaled gradient (softmax - onehot per counted row) then the count. */
    @Override
    public CrossEntropy crossEntropy(Tensor x, Tensor target, long ignoreIndex) {
        int[] s = checkCrossEntropy(x, target);
        long[] t = targets(target);
        double[] saved = new double[x.numel() + 1];
        int[] counted = new int[1];
        double total = crossEntropy(HostDoubles.read(x), s[0], s[1], t, ignoreIndex, saved, counted);
        saved[x.numel()] = counted[0];
        // torch divides by the number of counted rows: 0/0 = NaN when all are ignored
        double scale = 1.0 / counted[0];
        return new CrossEntropy(HostDoubles.of(new double[] {total * scale}, x.dtype()),
                Tensor.ofDoubles(saved, saved.length));
    }

    @Override
    public Tensor crossEntropyBackward(Tensor x, Tensor target, long ignoreIndex, Tensor saved, Tensor g) {
        checkCrossEntropy(x, target);
        OpChecks.dtype("saved", saved, DType.F64);
        int n = x.numel();
        double[] all = saved.doubles();
        double[] grad = java.util.Arrays.copyOf(all, n);
        int counted = (int) all[n];
        double scale = 1.0 / counted;
        // torch writes the gradient of counted rows only: all ignored gives zeros, not 0 * (1/0)
        double[] gx = counted == 0 ? grad : ElementwiseCpu.scale(grad, HostDoubles.read(g)[0] * scale);
        return HostDoubles.of(gx, x.dtype(), x.shape());
    }

    /** x F32/F64 [rows, classes], target I64/I32 [rows]; returns {rows, classes}. */
    static int[] checkCrossEntropy(Tensor x, Tensor target) {
        OpChecks.floating("input", x);
        OpChecks.dims("input", x, 2, "[N,C]");
        OpChecks.vector("target", target, x.size(0));
        OpChecks.index("target", target);
        return x.shape();
    }

    /** The class indices of a host I64/I32 target. */
    static long[] targets(Tensor target) {
        if (target.dtype() == DType.I64) {
            return target.longs();
        }
        long[] out = new long[target.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = target.getLong(i);
        }
        return out;
    }

    /** smooth_l1 per element: 0.5 d^2 / beta where |d| &lt; beta, else |d| - 0.5 beta (plain L1 for beta 0). */
    static double smoothL1(double d, double beta) {
        double a = Math.abs(d);
        return a < beta ? 0.5 * d * d / beta : a - 0.5 * beta;
    }

    /** d smooth_l1 / d d. */
    static double smoothL1Grad(double d, double beta) {
        return Math.abs(d) < beta ? d / beta : Math.signum(d);
    }

    /** max(x,0) - x y + log(1 + exp(-|x|)): BCE of sigmoid(x) against y without overflow. */
    static double bceWithLogits(double x, double y) {
        return Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Every target is a class in [0, c) or ignoreIndex (cross_entropy's check, for kernels that cannot throw). */
    static void checkTargets(long[] targets, int c, long ignoreIndex) {
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
    static double crossEntropy(double[] logits, int n, int c, long[] targets, long ignoreIndex,
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
