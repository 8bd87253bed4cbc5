package org.rcnn4j.backend;

import java.util.List;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** The argument checks of the {@link Select} ops, shared by both backends. */
public final class SelectChecks {
    private SelectChecks() {
    }

    public static void rows(Tensor t, int from, int count) {
        if (t.dim() < 1) {
            throw new IllegalArgumentException("t: expected at least one dimension, got " + t);
        }
        if (from < 0 || count < 0 || from > t.size(0) - count) {
            throw new IllegalArgumentException("from: rows [" + from + ", " + from + "+" + count
                    + ") lie outside the " + t.size(0) + " rows of " + t);
        }
    }

    /** The shape of the concatenation. */
    public static int[] catRows(List<Tensor> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("parts: expected at least one tensor");
        }
        Tensor first = parts.get(0);
        if (first.dim() < 1) {
            throw new IllegalArgumentException("parts: expected tensors of at least one dimension, got " + first);
        }
        int[] shape = first.shape();
        int rows = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            int[] s = p.shape();
            s[0] = shape[0];
            if (p.dtype() != first.dtype() || !java.util.Arrays.equals(s, shape)) {
                throw new IllegalArgumentException("parts[" + i + "]: expected " + first.dtype() + " rows of "
                        + Shapes.format(java.util.Arrays.copyOfRange(shape, 1, shape.length)) + ", got " + p);
            }
            rows += p.size(0);
        }
        shape[0] = rows;
        return shape;
    }

    /** The output width, sum of min(length, k). */
    public static int topKSegments(Tensor values, int[] segmentLengths, int k) {
        if (values.dtype() != DType.F32 || values.dim() != 2) {
            throw new IllegalArgumentException("values: expected F32 [N, A], got " + values);
        }
        if (k < 0) {
            throw new IllegalArgumentException("k: expected >= 0, got " + k);
        }
        long sum = 0;
        int out = 0;
        for (int l : segmentLengths) {
            if (l < 0) {
                throw new IllegalArgumentException("segmentLengths: must not be negative, got " + l);
            }
            sum += l;
            out += Math.min(l, k);
        }
        if (sum != values.size(1)) {
            throw new IllegalArgumentException("segmentLengths: sum to " + sum + ", values has " + values.size(1)
                    + " columns");
        }
        return out;
    }

    public static void argsort(Tensor values) {
        if (values.dim() != 1 || (values.dtype() != DType.F32 && values.dtype() != DType.I32
                && values.dtype() != DType.I64)) {
            throw new IllegalArgumentException("values: expected F32, I32 or I64 [n], got " + values);
        }
    }

    public static void gatherRows(Tensor values, Tensor index) {
        if (values.dim() < 1) {
            throw new IllegalArgumentException("values: expected at least one dimension, got " + values);
        }
        index("index", index);
    }

    public static void index(String name, Tensor index) {
        if (index.dim() != 1 || (index.dtype() != DType.I64 && index.dtype() != DType.I32)) {
            throw new IllegalArgumentException(name + ": expected I64 or I32 [K], got " + index);
        }
    }

    public static void floats(String name, Tensor t) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(name + ": expected F32, got " + t);
        }
    }

    public static void softmaxRows(Tensor logits) {
        if (logits.dtype() != DType.F32 || logits.dim() != 2) {
            throw new IllegalArgumentException("logits: expected F32 [n, c], got " + logits);
        }
    }

    public static void argmaxRows(Tensor values, int fromColumn) {
        if (values.dtype() != DType.F32 || values.dim() != 2) {
            throw new IllegalArgumentException("values: expected F32 [N, C], got " + values);
        }
        if (fromColumn < 0 || fromColumn >= values.size(1)) {
            throw new IllegalArgumentException("fromColumn: expected 0.." + (values.size(1) - 1) + " (a column of "
                    + values + "), got " + fromColumn);
        }
    }

    public static void labelSigmoid(Tensor logits, Tensor labels) {
        if (logits.dtype() != DType.F32 || logits.dim() != 4) {
            throw new IllegalArgumentException("logits: expected F32 [D, C, H, W], got " + logits);
        }
        if (labels.dtype() != DType.I64 || labels.dim() != 1 || labels.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("labels: expected I64 [" + logits.size(0) + "], got " + labels);
        }
    }

    /** The number of boxes. */
    public static int boxesAndScores(Tensor boxes, Tensor scores) {
        if (boxes.dtype() != DType.F32 || boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException("boxes: expected F32 [K, 4], got " + boxes);
        }
        int k = boxes.size(0);
        if (scores.dtype() != DType.F32 || scores.dim() != 1 || scores.size(0) != k) {
            throw new IllegalArgumentException("scores: expected F32 [" + k + "], got " + scores);
        }
        return k;
    }

    public static void mask(Tensor mask, int k) {
        if (mask != null && (mask.dtype() != DType.U8 || mask.dim() != 1 || mask.size(0) != k)) {
            throw new IllegalArgumentException("mask: expected U8 [" + k + "], got " + mask);
        }
    }

    public static void nms(Tensor boxes, Tensor scores, Tensor idxs, Tensor mask, float iouThreshold,
            int maxOutput) {
        int k = boxesAndScores(boxes, scores);
        if (idxs != null) {
            index("idxs", idxs);
            if (idxs.size(0) != k) {
                throw new IllegalArgumentException("idxs: expected [" + k + "], got " + idxs);
            }
        }
        mask(mask, k);
        if (maxOutput < 0) {
            throw new IllegalArgumentException("maxOutput: expected >= 0, got " + maxOutput);
        }
        if (Float.isNaN(iouThreshold)) {
            throw new IllegalArgumentException("iouThreshold: must not be NaN");
        }
    }

    public static void fpnLevels(Tensor boxes, int kMin, int kMax) {
        if (boxes.dtype() != DType.F32 || boxes.dim() != 2 || (boxes.size(1) != 4 && boxes.size(1) != 5)) {
            throw new IllegalArgumentException("boxes: expected F32 [K, 4] or RoIs [K, 5], got " + boxes);
        }
        if (kMin > kMax) {
            throw new IllegalArgumentException("kMin: must be <= kMax, got " + kMin + " and " + kMax);
        }
    }

    public static void bincount(Tensor values, int bins) {
        if (values.dtype() != DType.I32 || values.dim() != 1) {
            throw new IllegalArgumentException("values: expected I32 [n], got " + values);
        }
        if (bins < 0) {
            throw new IllegalArgumentException("bins: expected >= 0, got " + bins);
        }
    }

    /** The total number of rows. */
    public static int batchRois(List<Tensor> boxes) {
        if (boxes == null || boxes.isEmpty()) {
            throw new IllegalArgumentException("boxes: expected one tensor per image");
        }
        int total = 0;
        for (int i = 0; i < boxes.size(); i++) {
            Tensor b = boxes.get(i);
            if (b.dtype() != DType.F32 || b.dim() != 2 || b.size(1) != 4) {
                throw new IllegalArgumentException("boxes[" + i + "]: expected F32 [K, 4], got " + b);
            }
            total += b.size(0);
        }
        return total;
    }

    public static void boxes(Tensor boxes) {
        if (boxes.dtype() != DType.F32 || boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException("boxes: expected F32 [K, 4], got " + boxes);
        }
    }

    /** The number of channels. */
    public static int normAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        if (mean.dim() != 1 || (mean.dtype() != DType.F32 && mean.dtype() != DType.F64)) {
            throw new IllegalArgumentException("mean: expected F32 or F64 [C], got " + mean);
        }
        int c = mean.size(0);
        String[] names = {"var", "weight", "bias"};
        Tensor[] ts = {var, weight, bias};
        for (int i = 0; i < 3; i++) {
            Tensor t = ts[i];
            if ((t != null || i == 0) && (t == null || t.dim() != 1 || t.size(0) != c || t.dtype() != mean.dtype())) {
                throw new IllegalArgumentException(names[i] + ": expected " + mean.dtype() + " [" + c + "], got " + t);
            }
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps: expected a positive number, got " + eps);
        }
        return c;
    }

    /** The first non-null part (the shape and dtype of the result). */
    public static Tensor mergeRows(List<Tensor> parts, Tensor levels) {
        if (levels.dtype() != DType.I32 || levels.dim() != 1) {
            throw new IllegalArgumentException("levels: expected I32 [R], got " + levels);
        }
        Tensor first = null;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            if (p == null) {
                continue;
            }
            if ((p.dtype() != DType.F32 && p.dtype() != DType.F64) || p.dim() < 1 || p.size(0) != levels.size(0)
                    || (first != null && (!java.util.Arrays.equals(p.shape(), first.shape())
                    || p.dtype() != first.dtype()))) {
                throw new IllegalArgumentException("parts[" + i + "]: expected F32 or F64 [" + levels.size(0)
                        + ", ...] like the other parts, got " + p);
            }
            first = first == null ? p : first;
        }
        if (first == null) {
            throw new IllegalArgumentException("parts: expected at least one tensor");
        }
        return first;
    }
}
