package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * F32/F64 host tensors as double arrays and back, for the CPU kernels that compute in double whatever the dtype
 * (losses, max_pool2d, adaptive_avg_pool2d, sums): widening is exact, the way back rounds to nearest.
 */
final class HostDoubles {
    private HostDoubles() {
    }

    /** The values as doubles (the backing array itself for a F64 tensor: do not write). */
    static double[] read(Tensor t) {
        switch (t.dtype()) {
            case F64:
                return t.doubles();
            case F32: {
                float[] f = t.floats();
                double[] d = new double[f.length];
                Par.chunks(d.length, c -> {
                    for (int i = Par.lo(c), e = Par.hi(c, d.length); i < e; i++) {
                        d[i] = f[i];
                    }
                });
                return d;
            }
            default:
                throw new IllegalArgumentException("expected a F32 or F64 tensor, got " + t);
        }
    }

    /** A host tensor of {@code dtype} (F32 or F64) holding d (itself for F64, rounded for F32). */
    static Tensor of(double[] d, DType dtype, int... shape) {
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(d, shape);
        }
        if (dtype != DType.F32) {
            throw new IllegalArgumentException("expected F32 or F64, got " + dtype);
        }
        float[] f = new float[d.length];
        Par.chunks(f.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, f.length); i < e; i++) {
                f[i] = (float) d[i];
            }
        });
        return Tensor.ofFloats(f, shape);
    }
}
