package org.rcnn4j.backend.cpu;

import java.util.Arrays;
import java.util.List;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.SelectChecks;
import org.rcnn4j.backend.Selection;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * The selection ops on host arrays: the reference of cuda/select.cu, and the same code (same operations in the
 * same order and precision) the detectors ran on the host before these became backend ops.
 */
final class SelectCpu implements Select {

    @Override
    public Tensor rows(Tensor t, int from, int count) {
        SelectChecks.rows(t, from, count);
        int[] shape = t.shape();
        int row = t.size(0) == 0 ? 0 : t.numel() / t.size(0);
        shape[0] = count;
        if (from == 0 && count == t.size(0)) {
            return t;
        }
        Object src = t.hostData();
        Object dst = newArray(t.dtype(), count * row);
        System.arraycopy(src, from * row, dst, 0, count * row);
        return wrap(t.dtype(), dst, shape);
    }

    @Override
    public Tensor catRows(List<Tensor> parts) {
        int[] shape = SelectChecks.catRows(parts);
        DType dtype = parts.get(0).dtype();
        Object dst = newArray(dtype, Shapes.numel(shape));
        int at = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.hostData(), 0, dst, at, p.numel());
            at += p.numel();
        }
        return wrap(dtype, dst, shape);
    }

    @Override
    public Tensor topKSegments(Tensor values, int[] segmentLengths, int k) {
        int width = SelectChecks.topKSegments(values, segmentLengths, k);
        int n = values.size(0);
        int a = values.size(1);
        float[] v = values.floats();
        long[] out = new long[n * width];
        for (int img = 0; img < n; img++) {
            int m = img * width;
            int off = 0;
            for (int count : segmentLengths) {
                int[] top = indicesDescending(v, img * a + off, count, Math.min(count, k));
                for (int t : top) {
                    out[m++] = off + t;
                }
                off += count;
            }
        }
        return Tensor.ofLongs(out, n, width);
    }

    /**
     * Offsets (relative to {@code from}) of the k largest of values[from, from+count), largest first; equal values
     * in index order. NaN counts as the largest, as torch.topk orders it.
     */
    static int[] indicesDescending(float[] values, int from, int count, int k) {
        // sort keys: the float's bits mapped to a descending-ordered long, the index in the low bits (stable ties)
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = ((long) ~ordered(values[from + i]) << 32) | i; // ascending key = descending value
        }
        Arrays.sort(keys);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }

    /** The float's bits as a signed int monotone in its value, NaN above +inf and -0.0 equal to 0.0. */
    private static int ordered(float v) {
        int bits = Float.isNaN(v) ? 0x7fc00000 : Float.floatToIntBits(v == 0f ? 0f : v);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }

    @Override
    public Tensor argsort(Tensor values) {
        SelectChecks.argsort(values);
        int n = values.size(0);
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long key = switch (values.dtype()) {
                case F32 -> ~ordered(values.floats()[i]);
                case I32 -> values.ints()[i];
                default -> (int) values.longs()[i];
            };
            // signed key in the high bits; the index (non-negative, below 2^31) in the low bits
            keys[i] = (key << 32) | i;
        }
        Arrays.sort(keys);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = keys[i] & 0xffffffffL;
        }
        return Tensor.ofLongs(out, n);
    }

    @Override
    public Tensor gatherRows(Tensor values, Tensor index) {
        SelectChecks.gatherRows(values, index);
        int rows = values.size(0);
        int row = rows == 0 ? rowSize(values) : values.numel() / rows;
        int k = index.size(0);
        int[] shape = values.shape();
        shape[0] = k;
        Object src = values.hostData();
        Object dst = newArray(values.dtype(), k * row);
        for (int j = 0; j < k; j++) {
            long r = index.getLong(j);
            if (r >= 0 && r < rows) {
                System.arraycopy(src, (int) r * row, dst, j * row, row);
            }
        }
        return wrap(values.dtype(), dst, shape);
    }

    private static int rowSize(Tensor t) {
        int[] s = t.shape();
        return Shapes.numel(Arrays.copyOfRange(s, 1, s.length));
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        SelectChecks.floats("x", x);
        float[] in = x.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = 1f / (1f + (float) Math.exp(-in[i]));
        }
        return Tensor.ofFloats(out, x.shape());
    }

    @Override
    public Tensor softmaxRows(Tensor logits) {
        SelectChecks.softmaxRows(logits);
        int n = logits.size(0);
        int c = logits.size(1);
        float[] x = logits.floats();
        float[] out = new float[n * c];
        double[] e = new double[c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, x[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                e[j] = Math.exp(x[i * c + j] - max);
                sum += e[j];
            }
            for (int j = 0; j < c; j++) {
                out[i * c + j] = (float) (e[j] / sum);
            }
        }
        return Tensor.ofFloats(out, n, c);
    }

    @Override
    public Tensor argmaxRows(Tensor values, int fromColumn) {
        SelectChecks.argmaxRows(values, fromColumn);
        int n = values.size(0);
        int c = values.size(1);
        float[] x = values.floats();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int row = i * c;
            int best = fromColumn;
            // a NaN is the largest: once one is best, nothing after it replaces it
            for (int j = fromColumn + 1; j < c && !Float.isNaN(x[row + best]); j++) {
                if (Float.isNaN(x[row + j]) || x[row + j] > x[row + best]) {
                    best = j;
                }
            }
            out[i] = (long) row + best;
        }
        return Tensor.ofLongs(out, n);
    }

    @Override
    public Tensor labelSigmoid(Tensor logits, Tensor labels) {
        SelectChecks.labelSigmoid(logits, labels);
        int d = logits.size(0);
        int c = logits.size(1);
        int hw = logits.size(2) * logits.size(3);
        float[] x = logits.floats();
        long[] l = labels.longs();
        float[] p = new float[d * hw];
        for (int i = 0; i < d; i++) {
            if (l[i] < 0 || l[i] >= c) {
                throw new IllegalArgumentException("labels: label " + l[i] + " outside [0," + c + ")");
            }
            int src = (int) ((i * (long) c + l[i]) * hw);
            for (int j = 0; j < hw; j++) {
                p[i * hw + j] = (float) (1.0 / (1.0 + Math.exp(-(double) x[src + j])));
            }
        }
        return Tensor.ofFloats(p, d, 1, logits.size(2), logits.size(3));
    }

    @Override
    public Tensor keepMask(Tensor boxes, Tensor scores, float minSize, float scoreThresh, boolean strict) {
        int k = SelectChecks.boxesAndScores(boxes, scores);
        float[] b = boxes.floats();
        float[] s = scores.floats();
        byte[] out = new byte[k];
        for (int i = 0; i < k; i++) {
            boolean big = b[4 * i + 2] - b[4 * i] >= minSize && b[4 * i + 3] - b[4 * i + 1] >= minSize;
            boolean pass = strict ? s[i] > scoreThresh : s[i] >= scoreThresh;
            out[i] = (byte) (big && pass ? 1 : 0);
        }
        return Tensor.ofBytes(out, k);
    }

    @Override
    public Selection compact(Tensor mask) {
        if (mask.dim() != 1) {
            throw new IllegalArgumentException("mask: expected U8 [K], got " + mask);
        }
        SelectChecks.mask(mask, mask.size(0));
        byte[] m = mask.bytes();
        long[] out = new long[m.length];
        int count = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                out[count++] = i;
            }
        }
        Arrays.fill(out, count, m.length, -1L);
        return new Selection(Tensor.ofLongs(out, m.length), Tensor.ofInts(new int[] {count}, 1));
    }

    @Override
    public Selection batchedNms(Tensor boxes, Tensor scores, Tensor idxs, Tensor mask, float iouThreshold,
            int maxOutput) {
        SelectChecks.nms(boxes, scores, idxs, mask, iouThreshold, maxOutput);
        int k = boxes.size(0);
        int[] sel = new int[k];
        int m = 0;
        for (int i = 0; i < k; i++) {
            if (mask == null || mask.bytes()[i] != 0) {
                sel[m++] = i;
            }
        }
        float[] b = boxes.floats();
        float[] s = scores.floats();
        float[] kb = new float[4 * m];
        float[] ks = new float[m];
        long[] kl = new long[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(b, 4 * sel[i], kb, 4 * i, 4);
            ks[i] = s[sel[i]];
            kl[i] = idxs == null ? 0 : idxs.getLong(sel[i]);
        }
        long[] kept = m == 0 ? new long[0] : (idxs == null
                ? NmsCpu.nms(Tensor.ofFloats(kb, m, 4), Tensor.ofFloats(ks, m), iouThreshold)
                : NmsCpu.batchedNms(Tensor.ofFloats(kb, m, 4), Tensor.ofFloats(ks, m), Tensor.ofLongs(kl, m),
                        iouThreshold)).longs();
        int capacity = Math.min(k, maxOutput);
        int count = Math.min(kept.length, capacity);
        long[] out = new long[capacity];
        for (int i = 0; i < count; i++) {
            out[i] = sel[(int) kept[i]];
        }
        Arrays.fill(out, count, capacity, -1L);
        return new Selection(Tensor.ofLongs(out, capacity), Tensor.ofInts(new int[] {count}, 1));
    }

    @Override
    public Tensor fpnLevels(Tensor boxes, int kMin, int kMax) {
        SelectChecks.fpnLevels(boxes, kMin, kMax);
        int k = boxes.size(0);
        int stride = boxes.size(1);
        int col = stride - 4;
        float[] b = boxes.floats();
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            int o = i * stride + col;
            out[i] = level(b[o], b[o + 1], b[o + 2], b[o + 3], kMin, kMax);
        }
        return Tensor.ofInts(out, k);
    }

    /** torchvision's LevelMapper for one box, every step in float32 as torchvision (the log in double). */
    static int level(float x1, float y1, float x2, float y2, int kMin, int kMax) {
        float area = (x2 - x1) * (y2 - y1);
        float s = (float) Math.sqrt(area);
        float log2 = (float) (Math.log(s / 224f) / Math.log(2.0));
        float lvl = (float) Math.floor((4f + log2) + 1e-6f);
        if (Float.isNaN(lvl)) {
            return -1;
        }
        lvl = Math.max(kMin, Math.min(kMax, lvl));
        return (int) lvl - kMin;
    }

    @Override
    public Tensor bincount(Tensor values, int bins) {
        SelectChecks.bincount(values, bins);
        int[] out = new int[bins];
        for (int v : values.ints()) {
            if (v >= 0 && v < bins) {
                out[v]++;
            }
        }
        return Tensor.ofInts(out, bins);
    }

    @Override
    public Tensor batchRois(List<Tensor> boxes) {
        int total = SelectChecks.batchRois(boxes);
        float[] rois = new float[total * 5];
        int k = 0;
        for (int i = 0; i < boxes.size(); i++) {
            float[] bx = boxes.get(i).floats();
            for (int r = 0; r < bx.length / 4; r++, k++) {
                rois[5 * k] = i;
                System.arraycopy(bx, 4 * r, rois, 5 * k + 1, 4);
            }
        }
        return Tensor.ofFloats(rois, total, 5);
    }

    @Override
    public Tensor scaleBoxes(Tensor boxes, float scaleX, float scaleY) {
        SelectChecks.boxes(boxes);
        float[] b = boxes.floats();
        int d = boxes.size(0);
        float[] out = new float[4 * d];
        for (int i = 0; i < d; i++) {
            out[4 * i] = b[4 * i] * scaleX;
            out[4 * i + 1] = b[4 * i + 1] * scaleY;
            out[4 * i + 2] = b[4 * i + 2] * scaleX;
            out[4 * i + 3] = b[4 * i + 3] * scaleY;
        }
        return Tensor.ofFloats(out, d, 4);
    }

    @Override
    public Tensor normAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        int c = SelectChecks.normAffine(mean, var, weight, bias, eps);
        double[] out = new double[2 * c];
        for (int i = 0; i < c; i++) {
            double invstd = 1.0 / Math.sqrt(var.getDouble(i) + eps);
            double a = (weight == null ? 1.0 : weight.getDouble(i)) * invstd;
            out[i] = a;
            out[c + i] = (bias == null ? 0.0 : bias.getDouble(i)) - mean.getDouble(i) * a;
        }
        if (mean.dtype() == DType.F64) {
            return Tensor.ofDoubles(out, 2, c);
        }
        float[] f = new float[2 * c];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) out[i];
        }
        return Tensor.ofFloats(f, 2, c);
    }

    @Override
    public Tensor mergeRows(List<Tensor> parts, Tensor levels) {
        Tensor first = SelectChecks.mergeRows(parts, levels);
        int rows = levels.size(0);
        int row = rows == 0 ? 0 : first.numel() / rows;
        int[] lv = levels.ints();
        Object out = newArray(first.dtype(), first.numel());
        for (int r = 0; r < rows; r++) {
            int l = lv[r];
            if (l >= 0 && l < parts.size() && parts.get(l) != null) {
                System.arraycopy(parts.get(l).hostData(), r * row, out, r * row, row);
            }
        }
        return wrap(first.dtype(), out, first.shape());
    }

    private static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I64 -> new long[n];
            case I32 -> new int[n];
            case U8 -> new byte[n];
        };
    }

    private static Tensor wrap(DType dtype, Object data, int[] shape) {
        return switch (dtype) {
            case F32 -> Tensor.ofFloats((float[]) data, shape);
            case F64 -> Tensor.ofDoubles((double[]) data, shape);
            case I64 -> Tensor.ofLongs((long[]) data, shape);
            case I32 -> Tensor.ofInts((int[]) data, shape);
            case U8 -> Tensor.ofBytes((byte[]) data, shape);
        };
    }
}
