package org.rcnn4j.autograd.cpu;

/**
 * Autograd's elementwise kernels on host double arrays (F32 tensors are widened on the way in and rounded on the
 * way out, so every op computes in double on every backend). Inputs are never written.
 */
public final class Elementwise {
    private Elementwise() {
    }

    public static double[] add(double[] a, double[] b, double alphaB) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = a[i] + alphaB * b[i];
            }
        });
        return out;
    }

    public static double[] mul(double[] a, double[] b) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = a[i] * b[i];
            }
        });
        return out;
    }

    public static double[] scale(double[] a, double s) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = a[i] * s;
            }
        });
        return out;
    }

    /** max(x, 0), NaN kept (torch.relu). */
    public static double[] relu(double[] x) {
        double[] out = new double[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = x[i] > 0 || x[i] != x[i] ? x[i] : 0.0;
            }
        });
        return out;
    }

    /** g where y &gt; 0, else 0 (y the relu output). */
    public static double[] reluBackward(double[] g, double[] y) {
        double[] out = new double[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = y[i] > 0 ? g[i] : 0.0;
            }
        });
        return out;
    }

    public static double sigmoid(double x) {
        // split on sign so exp never overflows
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double z = Math.exp(x);
        return z / (1.0 + z);
    }

    public static double[] sigmoid(double[] x) {
        double[] out = new double[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = sigmoid(x[i]);
            }
        });
        return out;
    }

    /** g * y * (1 - y), y the sigmoid output. */
    public static double[] sigmoidBackward(double[] g, double[] y) {
        double[] out = new double[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = g[i] * y[i] * (1.0 - y[i]);
            }
        });
        return out;
    }

    public static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }
}
