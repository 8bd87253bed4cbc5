package org.rcnn4j.testing;

import org.rcnn4j.tensor.Tensor;

/** Host tensors' values as doubles and back as F32, for expected values computed by the double Java kernels. */
public final class HostValues {
    private HostValues() {
    }

    /** Every element of a host tensor (any dtype) as a double. */
    public static double[] doubles(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return d;
    }

    /** An F32 host tensor of {@code shape} holding {@code d} rounded to float. */
    public static Tensor f32(double[] d, int... shape) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, shape);
    }

    /** An F32 copy of a host tensor. */
    public static Tensor f32(Tensor t) {
        return f32(doubles(t), t.shape());
    }
}
