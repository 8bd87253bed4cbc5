package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.BatchNormShape;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Per-channel affine maps and per-channel sums over [N,C,P] tensors, the pieces of batch norm, on the host.
 * Planes (n, c) run in parallel when the tensor is large; sums accumulate in double.
 */
final class BatchNormCpu {
    /** Below this many elements a parallel loop costs more than it saves. */
    private static final long GRAIN = 1 << 15;

    private BatchNormCpu() {
    }

    static Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        BatchNormShape s = BatchNormShape.ofAffine(input, scale, shift);
        int planes = s.n() * s.c();
        int p = (int) s.pixels();
        Tensor out = Tensor.zeros(input.dtype(), input.shape());
        if (input.dtype() == DType.F32) {
            float[] x = input.floats();
            float[] y = out.floats();
            float[] a = scale == null ? null : scale.floats();
            float[] b = shift == null ? null : shift.floats();
            planes(planes, p, i -> {
                int c = i % s.c();
                float sc = a == null ? 1f : a[c];
                float sh = b == null ? 0f : b[c];
                int off = i * p;
                for (int j = off; j < off + p; j++) {
                    y[j] = x[j] * sc + sh;
                }
            });
        } else {
            double[] x = input.doubles();
            double[] y = out.doubles();
            double[] a = scale == null ? null : scale.doubles();
            double[] b = shift == null ? null : shift.doubles();
            planes(planes, p, i -> {
                int c = i % s.c();
                double sc = a == null ? 1.0 : a[c];
                double sh = b == null ? 0.0 : b[c];
                int off = i * p;
                for (int j = off; j < off + p; j++) {
                    y[j] = x[j] * sc + sh;
                }
            });
        }
        return out;
    }

    static Tensor channelSum(Tensor input, Tensor other) {
        BatchNormShape s = BatchNormShape.ofSum(input, other);
        int c = s.c();
        int n = s.n();
        int p = (int) s.pixels();
        double[] sums = new double[c];
        boolean f32 = input.dtype() == DType.F32;
        float[] xf = f32 ? input.floats() : null;
        float[] yf = f32 && other != null ? other.floats() : null;
        double[] xd = f32 ? null : input.doubles();
        double[] yd = !f32 && other != null ? other.doubles() : null;
        boolean withOther = other != null;
        IntStream channels = IntStream.range(0, c);
        ((long) n * c * p >= GRAIN ? channels.parallel() : channels).forEach(ch -> {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                int off = (i * c + ch) * p;
                if (f32) {
                    for (int j = off; j < off + p; j++) {
                        sum += withOther ? (double) xf[j] * yf[j] : xf[j];
                    }
                } else {
                    for (int j = off; j < off + p; j++) {
                        sum += withOther ? xd[j] * yd[j] : xd[j];
                    }
                }
            }
            sums[ch] = sum;
        });
        if (f32) {
            float[] f = new float[c];
            for (int i = 0; i < c; i++) {
                f[i] = (float) sums[i];
            }
            return Tensor.ofFloats(f, c);
        }
        return Tensor.ofDoubles(sums, c);
    }

    private static void planes(int planes, int pixels, java.util.function.IntConsumer body) {
        IntStream r = IntStream.range(0, planes);
        ((long) planes * pixels >= GRAIN && planes > 1 ? r.parallel() : r).forEach(body);
    }
}
