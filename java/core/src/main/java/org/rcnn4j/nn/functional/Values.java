package org.rcnn4j.nn.functional;

import java.util.Arrays;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Tensors the functional layer makes beside its ops (constants, sums, copies, owned reshapes) through the backend's
 * ops, and host values read back for batch norm's per-channel bookkeeping. Arithmetic is the backend's
 * ({@link Backend#elementwise()}, {@link Backend#convert()}, {@link Backend#gather()}); nothing here asks which
 * backend it has.
 */
final class Values {
    private Values() {
    }

    /** The values (F32 or F64) as doubles, read back to the host (the backing array of a host F64 tensor: do not write). */
    static double[] read(Backend b, Tensor t) {
        Tensor h = b.toHost(t);
        switch (h.dtype()) {
            case F64:
                return h.doubles();
            case F32: {
                float[] f = h.floats();
                double[] d = new double[f.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = f[i];
                }
                return d;
            }
            default:
                throw new IllegalArgumentException("expected a F32 or F64 tensor, got " + t);
        }
    }

    /** A tensor of {@code dtype} (F32 or F64) on {@code b} holding {@code d} (rounded for F32). */
    static Tensor make(Backend b, double[] d, DType dtype, int... shape) {
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("expected F32 or F64, got " + dtype);
        }
        Tensor host = Tensor.ofDoubles(d, shape);
        return dtype == DType.F64 ? b.toDevice(host) : b.convert().to(host, dtype);
    }

    static Tensor full(Backend b, DType dtype, double v, int... shape) {
        double[] d = new double[Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
        Arrays.fill(d, v);
        return make(b, d, dtype, shape);
    }

    /** x + y, same shapes, a fresh tensor. */
    static Tensor add(Backend b, Tensor x, Tensor y) {
        checkSame("add", x, y);
        return b.elementwise().axpby(x, y, 1.0, 1.0);
    }

    /** A fresh copy with another shape (same numel). */
    static Tensor copy(Backend b, Tensor t, int... shape) {
        return b.gather().slice(t, 0, shape);
    }

    /** A host tensor holding {@code t}'s values that shares no storage with it. */
    /** A tensor on {@code b} holding the host tensor's values that shares no storage with it. */
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
        try (Tensor src = make(b, v, t.dtype(), t.shape())) {
            b.gather().copyInto(src, t);
        }
    }

    /** t with another shape, owning t's storage (t itself must not be used or closed afterwards). */
    static Tensor reshapeOwned(Tensor t, int... shape) {
        return t.isDevice() ? Tensor.onDevice(t.dtype(), t.deviceBuffer(), shape) : t.reshape(shape);
    }
}
