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

    /**
     * Channels summed side by side by one thread. Each channel's sum is one chain of dependent double additions, in
     * element order, so a lone chain waits out each addition's latency; four independent chains keep the adder
     * busy (1.6 to 1.9 times as fast on the demo's shapes) and each still adds its channel's elements in the same
     * order, so every sum is bit for bit what one chain gives.
     */
    private static final int CHAINS = 4;

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
        boolean parallel = (long) n * c * p >= GRAIN;
        if (input.dtype() == DType.F32) {
            sumsF32(input.floats(), other == null ? null : other.floats(), n, c, p, parallel, sums);
            float[] f = new float[c];
            for (int i = 0; i < c; i++) {
                f[i] = (float) sums[i];
            }
            return Tensor.ofFloats(f, c);
        }
        double[] xd = input.doubles();
        double[] yd = other == null ? null : other.doubles();
        IntStream channels = IntStream.range(0, c);
        (parallel ? channels.parallel() : channels).forEach(ch -> {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = (i * c + ch) * p, e = j + p; j < e; j++) {
                    sum += yd == null ? xd[j] : xd[j] * yd[j];
                }
            }
            sums[ch] = sum;
        });
        return Tensor.ofDoubles(sums, c);
    }

    /** Each channel's sum of x (or of x times y), in double and in element order, into {@code sums}. */
    static void sumsF32(float[] x, float[] y, int n, int c, int p, boolean parallel, double[] sums) {
        IntStream groups = IntStream.range(0, (c + CHAINS - 1) / CHAINS);
        (parallel ? groups.parallel() : groups).forEach(g -> {
            int c0 = g * CHAINS;
            if (c0 + CHAINS <= c) {
                sumFour(x, y, n, c, p, c0, sums);
            } else {
                for (int ch = c0; ch < c; ch++) {
                    sumOne(x, y, n, c, p, ch, sums);
                }
            }
        });
    }

    private static void sumFour(float[] x, float[] y, int n, int c, int p, int c0, double[] sums) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int i = 0; i < n; i++) {
            int o0 = (i * c + c0) * p;
            int o1 = o0 + p;
            int o2 = o1 + p;
            int o3 = o2 + p;
            if (y == null) {
                for (int j = 0; j < p; j++) {
                    s0 += x[o0 + j];
                    s1 += x[o1 + j];
                    s2 += x[o2 + j];
                    s3 += x[o3 + j];
                }
            } else {
                for (int j = 0; j < p; j++) {
                    s0 += (double) x[o0 + j] * y[o0 + j];
                    s1 += (double) x[o1 + j] * y[o1 + j];
                    s2 += (double) x[o2 + j] * y[o2 + j];
                    s3 += (double) x[o3 + j] * y[o3 + j];
                }
            }
        }
        sums[c0] = s0;
        sums[c0 + 1] = s1;
        sums[c0 + 2] = s2;
        sums[c0 + 3] = s3;
    }

    private static void sumOne(float[] x, float[] y, int n, int c, int p, int ch, double[] sums) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = (i * c + ch) * p, e = j + p; j < e; j++) {
                sum += y == null ? x[j] : (double) x[j] * y[j];
            }
        }
        sums[ch] = sum;
    }

    private static void planes(int planes, int pixels, java.util.function.IntConsumer body) {
        IntStream r = IntStream.range(0, planes);
        ((long) planes * pixels >= GRAIN && planes > 1 ? r.parallel() : r).forEach(body);
    }
}
