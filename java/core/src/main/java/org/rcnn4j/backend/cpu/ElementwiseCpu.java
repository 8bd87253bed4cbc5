package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The elementwise family on the host: F32 tensors through the float kernels of {@link ElementwiseF32}, F64
 * tensors through the double kernels here (also the CPU reference the other CPU families share, such as
 * {@link #sigmoid(double)}). Inputs are never written.
 */
final class ElementwiseCpu implements Elementwise {

    @Override
    public Tensor axpby(Tensor x, Tensor y, double alpha, double beta) {
        OpChecks.floatingPair("x", x, "y", y);
        return f32(x) ? Tensor.ofFloats(ElementwiseF32.axpby(x.floats(), y.floats(), (float) alpha,
                (float) beta), x.shape()) : Tensor.ofDoubles(axpby(x.doubles(), y.doubles(), alpha, beta), x.shape());
    }

    @Override
    public Tensor scale(Tensor x, double s) {
        OpChecks.floating("x", x);
        return f32(x) ? Tensor.ofFloats(ElementwiseF32.scale(x.floats(), (float) s), x.shape())
                : Tensor.ofDoubles(scale(x.doubles(), s), x.shape());
    }

    @Override
    public Tensor mul(Tensor x, Tensor y) {
        OpChecks.floatingPair("x", x, "y", y);
        return f32(x) ? Tensor.ofFloats(ElementwiseF32.mul(x.floats(), y.floats()), x.shape())
                : Tensor.ofDoubles(mul(x.doubles(), y.doubles()), x.shape());
    }

    @Override
    public Tensor relu(Tensor x) {
        OpChecks.floating("x", x);
        return f32(x) ? Tensor.ofFloats(ElementwiseF32.relu(x.floats()), x.shape())
                : Tensor.ofDoubles(relu(x.doubles()), x.shape());
    }

    @Override
    public Tensor reluBackward(Tensor g, Tensor y) {
        OpChecks.floatingPair("g", g, "y", y);
        return f32(g) ? Tensor.ofFloats(ElementwiseF32.reluBackward(g.floats(), y.floats()), g.shape())
                : Tensor.ofDoubles(reluBackward(g.doubles(), y.doubles()), g.shape());
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        OpChecks.floating("x", x);
        return f32(x) ? Tensor.ofFloats(ElementwiseF32.sigmoid(x.floats()), x.shape())
                : Tensor.ofDoubles(sigmoid(x.doubles()), x.shape());
    }

    @Override
    public Tensor sigmoidBackward(Tensor g, Tensor y) {
        OpChecks.floatingPair("g", g, "y", y);
        return f32(g) ? Tensor.ofFloats(ElementwiseF32.sigmoidBackward(g.floats(), y.floats()), g.shape())
                : Tensor.ofDoubles(sigmoidBackward(g.doubles(), y.doubles()), g.shape());
    }

    private static boolean f32(Tensor t) {
        return t.dtype() == DType.F32;
    }

    /** alpha a + beta b (with alpha 1 the same bits as a + beta b: 1.0 * a is exact). */
    static double[] axpby(double[] a, double[] b, double alpha, double beta) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = alpha * a[i] + beta * b[i];
            }
        });
        return out;
    }

    static double[] mul(double[] a, double[] b) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = a[i] * b[i];
            }
        });
        return out;
    }

    static double[] scale(double[] a, double s) {
        double[] out = new double[a.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = a[i] * s;
            }
        });
        return out;
    }

    /** max(x, 0), NaN kept (torch.relu). */
    static double[] relu(double[] x) {
        double[] out = new double[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = x[i] > 0 || x[i] != x[i] ? x[i] : 0.0;
            }
        });
        return out;
    }

    /** g where y &gt; 0, else 0 (y the relu output). */
    static double[] reluBackward(double[] g, double[] y) {
        double[] out = new double[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = y[i] > 0 ? g[i] : 0.0;
            }
        });
        return out;
    }

    static double sigmoid(double x) {
        // split on sign so exp never overflows
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double z = Math.exp(x);
        return z / (1.0 + z);
    }

    static double[] sigmoid(double[] x) {
        double[] out = new double[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = sigmoid(x[i]);
            }
        });
        return out;
    }

    /** g * y * (1 - y), y the sigmoid output. */
    static double[] sigmoidBackward(double[] g, double[] y) {
        double[] out = new double[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = g[i] * y[i] * (1.0 - y[i]);
            }
        });
        return out;
    }
}
