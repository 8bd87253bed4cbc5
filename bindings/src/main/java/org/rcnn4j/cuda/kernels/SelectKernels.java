package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/select.cu: the detectors' selection steps on device memory, all asynchronous on
 * the device's stream (nothing here reads back). Data-dependent results are written into fixed-capacity buffers
 * padded with -1, with their count left in a device int. Shapes are not checked here beyond signs.
 */
public final class SelectKernels {
    public static final String MASKED_KEYS = "rcnn4j_select_masked_keys_f32";
    public static final String INT_KEYS = "rcnn4j_select_int_keys";
    public static final String TAKE_ORDER = "rcnn4j_select_take_order";
    public static final String GATHER_WORDS = "rcnn4j_select_gather_words";
    public static final String GATHER_BYTES = "rcnn4j_select_gather_bytes";
    public static final String SIGMOID = "rcnn4j_select_sigmoid_f32";
    public static final String SOFTMAX_ROWS = "rcnn4j_select_softmax_rows_f32";
    public static final String ARGMAX_ROWS = "rcnn4j_select_argmax_rows_f32";
    public static final String LABEL_SIGMOID = "rcnn4j_select_label_sigmoid_f32";
    public static final String KEEP_MASK = "rcnn4j_select_keep_mask_f32";
    public static final String COMPACT = "rcnn4j_select_compact_u8";
    public static final String NMS_CAPPED = "rcnn4j_select_nms_capped_f32";
    public static final String FPN_LEVELS = "rcnn4j_select_fpn_levels_f32";
    public static final String BINCOUNT = "rcnn4j_select_bincount_i32";
    public static final String BATCH_ROIS = "rcnn4j_select_batch_rois_f32";
    public static final String SCALE_BOXES = "rcnn4j_select_scale_boxes_f32";
    public static final String NORM_AFFINE_F32 = "rcnn4j_select_norm_affine_f32";
    public static final String NORM_AFFINE_F64 = "rcnn4j_select_norm_affine_f64";
    public static final String ROWS_OF_LEVEL = "rcnn4j_select_rows_of_level";

    private static final int BLOCK = 256;
    private static final int COMPACT_THREADS = 1024;
    private static final int NMS_THREADS = 256;
    private static final long MAX_THREADS = 1L << 22;

    private SelectKernels() {
    }

    /**
     * order[0..n) (I32) = indices of scores[0..n) (F32) by descending score (NaN first, -0.0 equal to 0.0, ties in
     * index order), the entries whose mask byte is 0 after all the others; valid (one int, zeroed here) = how many
     * entries the mask keeps (n when mask is null).
     */
    public static void sortDescendingMasked(CudaDevice device, CUdeviceptr scores, CUdeviceptr mask, int n,
            CUdeviceptr order, DeviceBuffer valid) {
        checkCount("n", n);
        device.memsetZero(valid);
        if (n == 0) {
            return;
        }
        try (DeviceBuffer keys = device.allocate(4L * n)) {
            device.kernel(MASKED_KEYS).launch(linear(n), scores, orNull(mask), n, keys, order, valid);
            NmsKernels.sortKeysAscending(device, keys, n, order);
        }
    }

    /** order[0..n) (I32) = a stable ascending argsort of values (I32, or I64 within the int range when is64). */
    public static void sortIntsAscending(CudaDevice device, CUdeviceptr values, boolean is64, int n,
            CUdeviceptr order) {
        checkCount("n", n);
        if (n == 0) {
            return;
        }
        try (DeviceBuffer keys = device.allocate(4L * n)) {
            device.kernel(INT_KEYS).launch(linear(n), values, is64 ? 1 : 0, n, keys, order);
            NmsKernels.sortKeysAscending(device, keys, n, order);
        }
    }

    /** out[j] (I64) = order[j] (I32) + offset for j &lt; k. */
    public static void takeOrder(CudaDevice device, CUdeviceptr order, int k, long offset, CUdeviceptr out) {
        checkCount("k", k);
        if (k > 0) {
            device.kernel(TAKE_ORDER).launch(linear(k), order, k, offset, out);
        }
    }

    /**
     * out row j = values row index[j] for rows of {@code rowBytes} bytes (a zero row where index[j] lies outside
     * [0, rows)); index is I64 when is64, else I32.
     */
    public static void gatherRows(CudaDevice device, CUdeviceptr values, long rows, int rowBytes, CUdeviceptr index,
            boolean is64, int k, CUdeviceptr out) {
        checkCount("k", k);
        if (rows < 0 || rowBytes < 0) {
            throw new IllegalArgumentException("gather: bad sizes rows=" + rows + " rowBytes=" + rowBytes);
        }
        if (k == 0 || rowBytes == 0) {
            return;
        }
        if (rowBytes % 4 == 0) {
            int words = rowBytes / 4;
            device.kernel(GATHER_WORDS).launch(linear((long) k * words), values, rows, words, index, is64 ? 1 : 0, k,
                    out);
        } else {
            device.kernel(GATHER_BYTES).launch(linear((long) k * rowBytes), values, rows, rowBytes, index,
                    is64 ? 1 : 0, k, out);
        }
    }

    /** out = 1f / (1f + (float) exp(-x)) elementwise over n floats. */
    public static void sigmoid(CudaDevice device, CUdeviceptr x, long n, CUdeviceptr out) {
        if (n < 0) {
            throw new IllegalArgumentException("n: expected >= 0, got " + n);
        }
        if (n > 0) {
            device.kernel(SIGMOID).launch(linear(n), x, n, out);
        }
    }

    /** out [n,c] = the row softmax of x [n,c] computed in double, rounded once. */
    public static void softmaxRows(CudaDevice device, CUdeviceptr x, int n, int c, CUdeviceptr out) {
        checkCount("n", n);
        checkCount("c", c);
        if (n > 0 && c > 0) {
            device.kernel(SOFTMAX_ROWS).launch(linear(n), x, n, c, out);
        }
    }

    /** out (I64 [n]) = i * c + the column of row i's largest value (x F32 [n,c]) among columns from..c-1. */
    public static void argmaxRows(CudaDevice device, CUdeviceptr x, int n, int c, int from, CUdeviceptr out) {
        checkCount("n", n);
        if (from < 0 || from >= c) {
            throw new IllegalArgumentException("argmax_rows: bad sizes c=" + c + " from=" + from);
        }
        if (n > 0) {
            device.kernel(ARGMAX_ROWS).launch(linear(n), x, n, c, from, out);
        }
    }

    /** out [d,hw] = sigmoid (in double) of channel labels[i] (I64) of logits [d,c,hw]. */
    public static void labelSigmoid(CudaDevice device, CUdeviceptr logits, CUdeviceptr labels, int d, int c, int hw,
            CUdeviceptr out) {
        checkCount("d", d);
        if (d > 0 && hw > 0) {
            device.kernel(LABEL_SIGMOID).launch(linear((long) d * hw), logits, labels, d, c, hw, out);
        }
    }

    /** out (U8 [n]) = width and height &ge; minSize and score &gt; (strict) or &ge; threshold. */
    public static void keepMask(CudaDevice device, CUdeviceptr boxes, CUdeviceptr scores, int n, float minSize,
            float threshold, boolean strict, CUdeviceptr out) {
        checkCount("n", n);
        if (n > 0) {
            device.kernel(KEEP_MASK).launch(linear(n), boxes, scores, n, minSize, threshold, strict ? 1 : 0, out);
        }
    }

    /** out (I64 [n]) = indices of the set bytes of mask in order, then -1; count (one int) = how many. */
    public static void compact(CudaDevice device, CUdeviceptr mask, int n, CUdeviceptr out, CUdeviceptr count) {
        checkCount("n", n);
        device.kernel(COMPACT).launch(Grid.of(1, 1, 1, COMPACT_THREADS, 1, 1), mask, n, out, count);
    }

    /**
     * Greedy (batched) NMS over the first *valid positions of order (I32, descending score), stopping at maxOut
     * kept: keep (I64 [capacity]) = kept indices by descending score, then -1; count (one int) = how many. labels
     * null (plain NMS), I64 (is64) or I32.
     */
    public static void nmsCapped(CudaDevice device, CUdeviceptr boxes, CUdeviceptr labels, boolean labelsAre64,
            CUdeviceptr order, CUdeviceptr valid, int maxOut, float iouThreshold, int capacity, CUdeviceptr keep,
            CUdeviceptr count) {
        checkCount("max_output", maxOut);
        checkCount("capacity", capacity);
        int kind = labels == null ? 0 : labelsAre64 ? 1 : 2;
        try (DeviceBuffer kept = device.allocate(20L * Math.max(1, maxOut));
                DeviceBuffer keptLabels = device.allocate(8L * Math.max(1, maxOut))) {
            device.kernel(NMS_CAPPED).launch(Grid.of(1, 1, 1, NMS_THREADS, 1, 1), boxes, orNull(labels), kind, order, valid,
                    maxOut, iouThreshold, kept, keptLabels, capacity, keep, count);
        }
    }

    /** out (I32 [n]) = FPN levels (0 = kMin, -1 for NaN) of boxes at column colOffset of rows of rowStride floats. */
    public static void fpnLevels(CudaDevice device, CUdeviceptr boxes, int rowStride, int colOffset, int n, int kMin,
            int kMax, CUdeviceptr out) {
        checkCount("n", n);
        if (n > 0) {
            device.kernel(FPN_LEVELS).launch(linear(n), boxes, rowStride, colOffset, n, kMin, kMax, out);
        }
    }

    /** counts (I32 [bins], zeroed here) = how many of values (I32 [n]) equal each bin. */
    public static void bincount(CudaDevice device, CUdeviceptr values, int n, int bins, DeviceBuffer counts) {
        checkCount("n", n);
        device.memsetZero(counts);
        if (n > 0 && bins > 0) {
            device.kernel(BINCOUNT).launch(linear(n), values, n, bins, counts);
        }
    }

    /** out [k,5] = (batchIndex, box) for boxes [k,4]. */
    public static void batchRois(CudaDevice device, CUdeviceptr boxes, int k, float batchIndex, CUdeviceptr out) {
        checkCount("k", k);
        if (k > 0) {
            device.kernel(BATCH_ROIS).launch(linear(k), boxes, k, batchIndex, out);
        }
    }

    /** out = boxes [rows,4] with x scaled by scaleX and y by scaleY. */
    public static void scaleBoxes(CudaDevice device, CUdeviceptr boxes, long rows, float scaleX, float scaleY,
            CUdeviceptr out) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows: expected >= 0, got " + rows);
        }
        if (rows > 0) {
            device.kernel(SCALE_BOXES).launch(linear(4 * rows), boxes, 4 * rows, scaleX, scaleY, out);
        }
    }

    /**
     * out [2c] = eval batch norm's scale (first c) and shift (last c) from mean, var, weight and bias [c] (weight
     * and bias may be null), in double; F64 tensors when f64, else F32.
     */
    public static void normAffine(CudaDevice device, boolean f64, CUdeviceptr mean, CUdeviceptr var,
            CUdeviceptr weight, CUdeviceptr bias, int c, double eps, CUdeviceptr out) {
        checkCount("c", c);
        if (c > 0) {
            device.kernel(f64 ? NORM_AFFINE_F64 : NORM_AFFINE_F32).launch(linear(c), mean, var, orNull(weight),
                    orNull(bias), c, eps, out);
        }
    }

    /** out row r = src row r (rowWords 32-bit words) where levels[r] (I32) == level; other rows untouched. */
    public static void rowsOfLevel(CudaDevice device, CUdeviceptr src, CUdeviceptr levels, int level, long rows,
            int rowWords, CUdeviceptr out) {
        if (rows < 0 || rowWords < 0) {
            throw new IllegalArgumentException("rows_of_level: bad sizes rows=" + rows + " rowWords=" + rowWords);
        }
        if (rows > 0 && rowWords > 0) {
            device.kernel(ROWS_OF_LEVEL).launch(linear(rows * rowWords), src, levels, level, rows, rowWords, out);
        }
    }

    /** A kernel's optional pointer argument: NULL on the device when absent. */
    private static CUdeviceptr orNull(CUdeviceptr p) {
        return p == null ? new CUdeviceptr() : p;
    }

    private static Grid linear(long n) {
        return Grid.linear(Math.min(n, MAX_THREADS), BLOCK);
    }

    private static void checkCount(String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": expected >= 0, got " + n);
        }
    }
}
