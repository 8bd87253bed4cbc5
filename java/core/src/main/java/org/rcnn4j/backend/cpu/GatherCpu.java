package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Gather;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * The gather family on the host: concat and slices as array copies, index_select along dim 0 (float rows for F32,
 * double rows for F64) and its adjoint, a scatter-add of rows in order of k.
 */
final class GatherCpu implements Gather {

    @Override
    public Tensor concat(Tensor[] parts, int[] shape) {
        OpChecks.notNull("tensors", parts);
        if (parts.length == 0) {
            throw new IllegalArgumentException("tensors: expected at least one tensor, got none");
        }
        long total = 0;
        for (Tensor p : parts) {
            OpChecks.notNull("tensors", p);
            OpChecks.sameDType("tensors", p, "the first tensor", parts[0]);
            total += p.numel();
        }
        if (total != Shapes.numel(shape)) {
            throw new IllegalArgumentException("shape: expected " + total + " elements (the parts' total), got "
                    + Shapes.format(shape));
        }
        Tensor out = Tensor.zeros(parts[0].dtype(), shape);
        Object dst = out.hostData();
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.hostData(), 0, dst, at, p.numel());
            at += p.numel();
        }
        return out;
    }

    @Override
    public Tensor slice(Tensor t, long offset, int[] shape) {
        OpChecks.notNull("t", t);
        checkRange(t, offset, shape);
        Tensor out = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.hostData(), (int) offset, out.hostData(), 0, out.numel());
        return out;
    }

    static void checkRange(Tensor t, long offset, int[] shape) {
        if (offset < 0 || offset + Shapes.numel(shape) > t.numel()) {
            throw new IllegalArgumentException("offset: elements [" + offset + ", " + (offset + Shapes.numel(shape))
                    + ") outside the tensor's " + t.numel());
        }
    }

    @Override
    public Tensor indexSelect(Tensor x, Tensor index) {
        OpChecks.notNull("input", x);
        if (!x.dtype().isFloating()) {
            return selectRows(x, indexOfRows(x, index));
        }
        long[] idx = checkedIndex(x, index);
        int row = rowSize(x);
        int[] outShape = x.shape();
        outShape[0] = idx.length;
        return x.dtype() == DType.F32 ? Tensor.ofFloats(rows(x.floats(), row, idx), outShape)
                : Tensor.ofDoubles(rows(x.doubles(), row, idx), outShape);
    }

    @Override
    public Tensor maskedSelect(Tensor x, Tensor mask) {
        long[] idx = maskIndices(x, mask);
        return selectRows(x, idx);
    }

    /** maskedSelect's checks (x with a dim 0, mask U8 [x.size(0)] on the host) and the rows it keeps. */
    static long[] maskIndices(Tensor x, Tensor mask) {
        OpChecks.notNull("input", x);
        OpChecks.notNull("mask", mask);
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        if (mask.dtype() != DType.U8 || mask.dim() != 1 || mask.size(0) != x.size(0)) {
            throw new IllegalArgumentException("mask: expected U8 [" + x.size(0) + "] (one byte per row of input), "
                    + "got " + mask);
        }
        byte[] m = mask.bytes();
        int count = 0;
        for (byte b : m) {
            count += b != 0 ? 1 : 0;
        }
        long[] idx = new long[count];
        for (int i = 0, j = 0; i < m.length; i++) {
            if (m[i] != 0) {
                idx[j++] = i;
            }
        }
        return idx;
    }

    /** index_select's checks for any dtype of x: a dim 0 and an index (on the host) in [0, x.size(0)). */
    static long[] indexOfRows(Tensor x, Tensor index) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        return OpChecks.indexValues(index, x.size(0));
    }

    /** Rows idx (checked) of a host x of any dtype, as array copies. */
    static Tensor selectRows(Tensor x, long[] idx) {
        int row = rowSize(x);
        int[] outShape = x.shape();
        outShape[0] = idx.length;
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        Object src = x.hostData();
        Object dst = out.hostData();
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(src, (int) idx[k] * row, dst, k * row, row);
        }
        return out;
    }

    @Override
    public Tensor indexAdd(Tensor g, Tensor index, int rows) {
        long[] idx = checkedAddIndex(g, index, rows);
        int row = rowSize(g);
        int[] shape = g.shape();
        shape[0] = rows;
        return g.dtype() == DType.F32 ? Tensor.ofFloats(scatterAddRows(g.floats(), row, idx, rows), shape)
                : Tensor.ofDoubles(scatterAddRows(g.doubles(), row, idx, rows), shape);
    }

    @Override
    public Tensor take(Tensor x, Tensor index) {
        OpChecks.floating("input", x);
        long[] idx = OpChecks.indexValues(index, x.numel());
        return x.dtype() == DType.F32 ? Tensor.ofFloats(rows(x.floats(), 1, idx), idx.length)
                : Tensor.ofDoubles(rows(x.doubles(), 1, idx), idx.length);
    }

    @Override
    public void copyInto(Tensor src, Tensor dst) {
        OpChecks.notNull("src", src);
        OpChecks.notNull("dst", dst);
        OpChecks.sameDType("src", src, "dst", dst);
        if (src.numel() != dst.numel()) {
            throw new IllegalArgumentException("src: expected " + dst.numel() + " elements (dst's), got "
                    + src.numel());
        }
        System.arraycopy(src.hostData(), 0, dst.hostData(), 0, src.numel());
    }

    /** index_select's checks: x F32/F64 with a dim 0, index (on the host) I64/I32 1-D with values in [0, rows). */
    static long[] checkedIndex(Tensor x, Tensor index) {
        OpChecks.floating("input", x);
        if (x.dim() == 0) {
            throw new IllegalArgumentException("input: expected a tensor with a dim 0, got a 0-dim tensor");
        }
        return OpChecks.indexValues(index, x.size(0));
    }

    /** indexAdd's checks: g F32/F64 [K, ...], index (on the host) I64/I32 [K] with values in [0, rows). */
    static long[] checkedAddIndex(Tensor g, Tensor index, int rows) {
        OpChecks.floating("grad", g);
        OpChecks.notNull("index", index);
        if (g.dim() == 0 || g.size(0) != index.numel()) {
            throw new IllegalArgumentException("grad: expected [" + index.numel() + ", ...] (one row per index), got "
                    + Shapes.format(g.shape()));
        }
        return OpChecks.indexValues(index, rows);
    }

    private static int rowSize(Tensor x) {
        return x.numel() / Math.max(1, x.size(0));
    }

    static double[] rows(double[] x, int row, long[] index) {
        double[] out = new double[index.length * row];
        Par.outer(index.length, row, k -> System.arraycopy(x, (int) index[k] * row, out, k * row, row));
        return out;
    }

    /** out[index[k]] += g[k] for each row k; sequential over k so repeated indices add deterministically. */
    static double[] scatterAddRows(double[] g, int row, long[] index, int rows) {
        double[] out = new double[rows * row];
        for (int k = 0; k < index.length; k++) {
            int dst = (int) index[k] * row;
            int src = k * row;
            for (int j = 0; j < row; j++) {
                out[dst + j] += g[src + j];
            }
        }
        return out;
    }

    static float[] rows(float[] x, int row, long[] index) {
        float[] out = new float[index.length * row];
        Par.outer(index.length, row, k -> System.arraycopy(x, (int) index[k] * row, out, k * row, row));
        return out;
    }

    /** The float twin of {@link #scatterAddRows(double[], int, long[], int)}. */
    static float[] scatterAddRows(float[] g, int row, long[] index, int rows) {
        float[] out = new float[rows * row];
        for (int k = 0; k < index.length; k++) {
            int dst = (int) index[k] * row;
            int src = k * row;
            for (int j = 0; j < row; j++) {
                out[dst + j] += g[src + j];
            }
        }
        return out;
    }
}
