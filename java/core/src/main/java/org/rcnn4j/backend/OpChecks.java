package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Argument checks shared by both backends. Each failure is an {@link IllegalArgumentException} whose message
 * names the argument (torchvision's name) and says what was expected, e.g.
 * {@code "boxes: expected shape [N,4], got [3, 5]"}.
 */
public final class OpChecks {
    private OpChecks() {
    }

    public static void notNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": required, got null");
        }
    }

    /** Tensor has {@code dims} dimensions. */
    public static void dims(String name, Tensor t, int dims, String expected) {
        notNull(name, t);
        if (t.dim() != dims) {
            throw new IllegalArgumentException(name + ": expected shape " + expected + ", got "
                    + Shapes.format(t.shape()));
        }
    }

    /** Tensor is [N, width] (e.g. boxes [N,4], RoIs [K,5]). */
    public static void rows(String name, Tensor t, int width) {
        notNull(name, t);
        if (t.dim() != 2 || t.size(1) != width) {
            throw new IllegalArgumentException(name + ": expected shape [N," + width + "], got "
                    + Shapes.format(t.shape()));
        }
    }

    /** Tensor is 1-D of length n. */
    public static void vector(String name, Tensor t, int n) {
        notNull(name, t);
        if (t.dim() != 1 || t.size(0) != n) {
            throw new IllegalArgumentException(name + ": expected shape [" + n + "], got "
                    + Shapes.format(t.shape()));
        }
    }

    public static void dtype(String name, Tensor t, DType... allowed) {
        notNull(name, t);
        for (DType d : allowed) {
            if (t.dtype() == d) {
                return;
            }
        }
        throw new IllegalArgumentException(name + ": expected dtype " + (allowed.length == 1 ? allowed[0]
                : java.util.Arrays.toString(allowed)) + ", got " + t.dtype());
    }

    /** F32 or F64. */
    public static void floating(String name, Tensor t) {
        dtype(name, t, DType.F32, DType.F64);
    }

    /** I64 or I32 (index tensors). */
    public static void index(String name, Tensor t) {
        dtype(name, t, DType.I64, DType.I32);
    }

    public static void sameDType(String name, Tensor t, String otherName, Tensor other) {
        if (t.dtype() != other.dtype()) {
            throw new IllegalArgumentException(name + ": expected the dtype of " + otherName + " (" + other.dtype()
                    + "), got " + t.dtype());
        }
    }

    public static void sameShape(String name, Tensor t, String otherName, Tensor other) {
        if (!java.util.Arrays.equals(t.shape(), other.shape())) {
            throw new IllegalArgumentException(name + ": expected the shape of " + otherName + " ("
                    + Shapes.format(other.shape()) + "), got " + Shapes.format(t.shape()));
        }
    }

    /** x is F32 or F64 and y has its dtype and shape (the operands of an elementwise op). */
    public static void floatingPair(String xName, Tensor x, String yName, Tensor y) {
        floating(xName, x);
        notNull(yName, y);
        sameDType(yName, y, xName, x);
        sameShape(yName, y, xName, x);
    }

    /**
     * The values of a host 1-D I64/I32 index (index_select's), each checked to lie in [0, rows): an index outside
     * throws naming it.
     */
    public static long[] indexValues(Tensor index, int rows) {
        index("index", index);
        if (index.dim() != 1) {
            throw new IllegalArgumentException("index: expected a 1-D tensor, got " + Shapes.format(index.shape()));
        }
        long[] idx = new long[index.numel()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = index.getLong(i);
            if (idx[i] < 0 || idx[i] >= rows) {
                throw new IllegalArgumentException("index_select: index " + idx[i] + " out of range for " + rows
                        + " rows");
            }
        }
        return idx;
    }

    public static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": expected a positive integer, got " + value);
        }
    }

    public static void nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": expected an integer >= 0, got " + value);
        }
    }

    public static void finite(String name, float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException(name + ": expected a finite number, got " + value);
        }
    }

    /** inputShape is [N,C,H,W] with non-negative extents. */
    public static void nchw(String name, int[] shape) {
        if (shape == null || shape.length != 4) {
            throw new IllegalArgumentException(name + ": expected [N,C,H,W], got "
                    + (shape == null ? "null" : Shapes.format(shape)));
        }
        Shapes.numel(shape);
    }

    /**
     * An adaptive pooling gradient [N,C,oh,ow] that fits the input [N,C,H,W] it is the gradient for: the same N and
     * C, and positive output extents.
     */
    public static void adaptivePoolGradient(Tensor g, int[] inputShape) {
        floating("grad_output", g);
        dims("grad_output", g, 4, "[N,C,oh,ow]");
        nchw("input_shape", inputShape);
        if (g.size(0) != inputShape[0] || g.size(1) != inputShape[1] || g.size(2) < 1 || g.size(3) < 1) {
            throw new IllegalArgumentException("grad_output: expected [" + inputShape[0] + "," + inputShape[1]
                    + ",oh,ow] with oh, ow >= 1 for input_shape " + Shapes.format(inputShape) + ", got "
                    + Shapes.format(g.shape()));
        }
    }
}
