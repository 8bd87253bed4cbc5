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
        if (from.isInteger() && dtype.isFloating()) {
            return integersToFloating(x, dtype);
        }
        if (from.isFloating()) {
            return truncated(x, dtype);
        }
        return integers(x, dtype);
    }

    /** I64 or I32 (U8 is handled above) to F32 or F64, rounded to nearest once (as torch's Tensor.to). */
    private static Tensor integersToFloating(Tensor x, DType dtype) {
        int n = x.numel();
        if (dtype == DType.F32) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) x.getLong(i);
            }
            return Tensor.ofFloats(out, x.shape());
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (double) x.getLong(i);
        }
        return Tensor.ofDoubles(out, x.shape());
    }

    /**
     * F32 or F64 to an integer dtype, truncated toward zero (torch's Tensor.to); a NaN, or a value the dtype cannot
     * hold after truncation, throws (torch leaves it undefined).
     */
    private static Tensor truncated(Tensor x, DType dtype) {
        int n = x.numel();
        long[] v = new long[n];
        double min = minOf(dtype);
        double max = maxOf(dtype);
        for (int i = 0; i < n; i++) {
            double d = x.getDouble(i);
            // what truncates into [min, max]: (min - 1, max + 1), for I64 [-2^63, 2^63) (doubles that far apart)
            boolean fits = dtype == DType.I64 ? d >= -0x1p63 && d < 0x1p63 : d > min - 1 && d < max + 1;
            if (!fits) {
                throw new IllegalArgumentException("x: element " + i + " is " + d + ", which " + dtype
                        + " cannot hold after truncation toward zero (expected a number in [" + (long) min + ", "
                        + (long) max + "])");
            }
            v[i] = (long) d;
        }
        return ofLongs(v, dtype, x.shape());
    }

    /** Between integer dtypes: widening, or narrowing whose values must fit the target dtype. */
    private static Tensor integers(Tensor x, DType dtype) {
        int n = x.numel();
        long[] v = new long[n];
        long min = (long) minOf(dtype);
        long max = (long) maxOf(dtype);
        for (int i = 0; i < n; i++) {
            v[i] = x.getLong(i);
            if (v[i] < min || v[i] > max) {
                throw new IllegalArgumentException("x: element " + i + " is " + v[i] + ", which " + dtype
                        + " cannot hold (expected [" + min + ", " + max + "])");
            }
        }
        return ofLongs(v, dtype, x.shape());
    }

    private static double minOf(DType dtype) {
        return switch (dtype) {
            case I64 -> Long.MIN_VALUE;
            case I32 -> Integer.MIN_VALUE;
            case U8 -> 0;
            default -> throw new IllegalArgumentException("dtype: " + dtype + " is not an integer dtype");
        };
    }

    private static double maxOf(DType dtype) {
        return switch (dtype) {
            case I64 -> Long.MAX_VALUE;
            case I32 -> Integer.MAX_VALUE;
            case U8 -> 255;
            default -> throw new IllegalArgumentException("dtype: " + dtype + " is not an integer dtype");
        };
    }

    /** Values checked to fit {@code dtype} (an integer dtype) as a tensor of it. */
    private static Tensor ofLongs(long[] v, DType dtype, int[] shape) {
        return switch (dtype) {
            case I64 -> Tensor.ofLongs(v, shape);
            case I32 -> {
                int[] out = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = (int) v[i];
                }
                yield Tensor.ofInts(out, shape);
            }
            case U8 -> {
                byte[] out = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = (byte) v[i];
                }
                yield Tensor.ofBytes(out, shape);
            }
            default -> throw new IllegalArgumentException("dtype: " + dtype + " is not an integer dtype");
        };
    }
}
