package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Convert;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** dtype conversion on the host. */
final class ConvertCpu implements Convert {

    @Override
    public Tensor to(Tensor x, DType dtype) {
        OpChecks.notNull("x", x);
        OpChecks.notNull("dtype", dtype);
        return convert(x, dtype);
    }

    /** x (a host tensor) as a fresh host tensor of {@code dtype}. */
    static Tensor convert(Tensor x, DType dtype) {
        DType from = x.dtype();
        if (from == dtype) {
            return switch (dtype) {
                case F32 -> Tensor.ofFloats(x.floats().clone(), x.shape());
                case F64 -> Tensor.ofDoubles(x.doubles().clone(), x.shape());
                case I64 -> Tensor.ofLongs(x.longs().clone(), x.shape());
                case I32 -> Tensor.ofInts(x.ints().clone(), x.shape());
                case U8 -> Tensor.ofBytes(x.bytes().clone(), x.shape());
            };
        }
        if ((from == DType.F32 && dtype == DType.F64) || (from == DType.F64 && dtype == DType.F32)) {
            return HostDoubles.of(from == DType.F64 ? x.doubles() : HostDoubles.read(x), dtype, x.shape());
        }
        if (from == DType.I32 && dtype == DType.I64) {
            int[] v = x.ints();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return Tensor.ofLongs(out, x.shape());
        }
        if (from == DType.U8 && (dtype == DType.F32 || dtype == DType.F64)) {
            byte[] v = x.bytes();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i] & 0xff;
            }
            return HostDoubles.of(d, dtype, x.shape());
        }
        throw new IllegalArgumentException("dtype: cannot convert " + from + " to " + dtype
                + "; expected F32<->F64, I32->I64, U8->F32/F64 or the same dtype");
    }
}
