package org.rcnn4j.autograd;

import java.util.Arrays;
import org.rcnn4j.autograd.cpu.Elementwise;
import org.rcnn4j.autograd.cpu.Par;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Moving tensors between a backend and autograd's host kernels. On the CUDA backend F32 device tensors mostly
 * stay on the device (layers, elementwise ops, sum/mean, losses, max_pool2d, concat, index_select: see
 * autograd/cuda). GAP: what still comes here on CUDA are F64 tensors for the ops with F32 kernels only, the
 * RPN's {@link Rearrange} gather and adaptive_avg_pool2d (host copies: download, Java kernel, upload), batch
 * norm's per-channel vectors, and the indices/targets index_select and cross_entropy read to check.
 */
final class Tensors {
    private Tensors() {
    }

    static boolean isCpu(Backend b) {
        return "cpu".equals(b.name());
    }

    /** The values as doubles (the backing array itself for a host F64 tensor: do not write). */
    static double[] read(Backend b, Tensor t) {
        Tensor h = t.isHost() ? t : b.toHost(t);
        switch (h.dtype()) {
            case F64:
                return h.doubles();
            case F32: {
                float[] f = h.floats();
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

    /** Integer values (I64, I32 or U8) as longs. */
    static long[] readLongs(Backend b, Tensor t) {
        Tensor h = t.isHost() ? t : b.toHost(t);
        if (h.dtype() == DType.I64) {
            return h.longs();
        }
        long[] out = new long[h.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getLong(i);
        }
        return out;
    }

    /** A tensor of {@code dtype} (F32 or F64) on {@code b} holding {@code d}. */
    static Tensor make(Backend b, double[] d, DType dtype, int... shape) {
        Tensor host;
        if (dtype == DType.F64) {
            host = Tensor.ofDoubles(d, shape);
        } else if (dtype == DType.F32) {
            float[] f = new float[d.length];
            Par.chunks(f.length, c -> {
                for (int i = Par.lo(c), e = Par.hi(c, f.length); i < e; i++) {
                    f[i] = (float) d[i];
                }
            });
            host = Tensor.ofFloats(f, shape);
        } else {
            throw new IllegalArgumentException("expected F32 or F64, got " + dtype);
        }
        return isCpu(b) ? host : b.toDevice(host);
    }

    static Tensor full(Backend b, DType dtype, double v, int... shape) {
        double[] d = new double[Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
        Arrays.fill(d, v);
        return make(b, d, dtype, shape);
    }

    static Tensor zeros(Backend b, DType dtype, int... shape) {
        return full(b, dtype, 0.0, shape);
    }

    /** x + y, same shapes, a fresh tensor. */
    static Tensor add(Backend b, Tensor x, Tensor y) {
        checkSame("add", x, y);
        if (F32.supports(b, x)) {
            return F32.axpby(b, x, y, 1f, 1f);
        }
        return make(b, Elementwise.add(read(b, x), read(b, y), 1.0), x.dtype(), x.shape());
    }

    /** A fresh copy with another shape (same numel). */
    static Tensor copy(Backend b, Tensor t, int... shape) {
        if (isCpu(b)) {
            return hostCopy(t, shape);
        }
        return b.toDevice(Arrays.equals(t.shape(), shape) ? t : t.reshape(shape));
    }

    /** A host tensor holding {@code t}'s values that shares no storage with it. */
    static Tensor toHostCopy(Backend b, Tensor t) {
        Tensor h = b.toHost(t);
        return h == t || (t.isHost() && h.hostData() == t.hostData()) ? hostCopy(t, t.shape()) : h;
    }

    /** A tensor on {@code b} holding the host tensor's values that shares no storage with it. */
    static Tensor fromHostCopy(Backend b, Tensor host) {
        return isCpu(b) ? hostCopy(host, host.shape()) : b.toDevice(host);
    }

    private static Tensor hostCopy(Tensor t, int[] shape) {
        return switch (t.dtype()) {
            case F32 -> Tensor.ofFloats(t.floats().clone(), shape);
            case F64 -> Tensor.ofDoubles(t.doubles().clone(), shape);
            case I64 -> Tensor.ofLongs(t.longs().clone(), shape);
            case I32 -> Tensor.ofInts(t.ints().clone(), shape);
            case U8 -> Tensor.ofBytes(t.bytes().clone(), shape);
        };
    }

    static void checkSame(String op, Tensor x, Tensor y) {
        if (!Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + Arrays.toString(x.shape()) + " and "
                    + Arrays.toString(y.shape()));
        }
        if (x.dtype() != y.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + x.dtype() + " and " + y.dtype());
        }
    }

    /** Overwrites t's values (F32 or F64, on b) with v in place: running statistics updated by batch norm. */
    static void overwrite(Backend b, Tensor t, double[] v) {
        if (t.numel() != v.length) {
            throw new IllegalArgumentException("expected " + t.numel() + " values, got " + v.length);
        }
        Tensor host = t.isHost() ? t : Tensor.zeros(t.dtype(), t.shape());
        for (int i = 0; i < v.length; i++) {
            switch (t.dtype()) {
                case F32 -> host.floats()[i] = (float) v[i];
                case F64 -> host.doubles()[i] = v[i];
                default -> throw new IllegalArgumentException("expected a F32 or F64 tensor, got " + t);
            }
        }
        if (t.isDevice()) {
            if (!(b instanceof org.rcnn4j.backend.cuda.CudaBackend cuda)) {
                throw new IllegalArgumentException("a device tensor on a non-CUDA backend " + b.name());
            }
            cuda.device().copyHostToDevice(t.deviceBuffer(), host.hostData(), 0, v.length);
        }
    }
}
