package org.rcnn4j.autograd;

import java.util.Arrays;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Tensors autograd makes for itself (gradient seeds, sums of gradients, optimizer state copies) through its
 * backend's ops ({@link Backend#elementwise()}, {@link Backend#convert()}); nothing here asks which backend it has.
 */
final class Tensors {
    private Tensors() {
    }

    /** The values (F32 or F64) as doubles, read back to the host (the backing array of a host F64 tensor: do not write). */
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
    /** A host tensor holding {@code t}'s values that shares no storage with it. */
    static Tensor toHostCopy(Backend b, Tensor t) {
        Tensor h = b.toHost(t);
        return h == t || (t.isHost() && h.hostData() == t.hostData()) ? hostCopy(t) : h;
    }

    /** A tensor on {@code b} holding the host tensor's values that shares no storage with it. */
    static Tensor fromHostCopy(Backend b, Tensor host) {
        Tensor t = b.toDevice(host);
        return t == host || (t.isHost() && t.hostData() == host.hostData()) ? hostCopy(host) : t;
    }

    private static Tensor hostCopy(Tensor t) {
        return switch (t.dtype()) {
            case F32 -> Tensor.ofFloats(t.floats().clone(), t.shape());
            case F64 -> Tensor.ofDoubles(t.doubles().clone(), t.shape());
            case I64 -> Tensor.ofLongs(t.longs().clone(), t.shape());
            case I32 -> Tensor.ofInts(t.ints().clone(), t.shape());
            case U8 -> Tensor.ofBytes(t.bytes().clone(), t.shape());
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
    /** t with another shape, owning t's storage (t itself must not be used or closed afterwards). */}
