package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/nms.cu: torchvision.ops.nms and batched_nms on device memory. Every step runs on
 * the device's stream (stable score sort, gather, suppression bitmask, greedy sweep, compaction); the only host
 * sync is the read of the kept count. Shapes are not checked here beyond signs; callers pass row-major buffers of
 * the stated sizes and types.
 *
 * <p>Scratch memory: the bitmask takes n * ceil(n/64) * 8 bytes (80 MB at 10,000 boxes, 1.25 GB at 100,000).
 */
public final class NmsKernels {
    public static final String SCORE_KEYS = "rcnn4j_nms_score_keys_f32";
    public static final String RANK_SORT = "rcnn4j_nms_rank_sort";
    public static final String RADIX_HISTOGRAM = "rcnn4j_nms_radix_histogram";
    public static final String RADIX_SCAN = "rcnn4j_nms_radix_scan";
    public static final String RADIX_SCATTER = "rcnn4j_nms_radix_scatter";
    public static final String GATHER_BOXES = "rcnn4j_nms_gather_boxes_f32";
    public static final String GATHER_LABELS_I64 = "rcnn4j_nms_gather_labels_i64";
    public static final String GATHER_LABELS_I32 = "rcnn4j_nms_gather_labels_i32";
    public static final String MASK = "rcnn4j_nms_mask_f32";
    public static final String BATCHED_MASK = "rcnn4j_nms_batched_mask_f32";
    public static final String SWEEP = "rcnn4j_nms_sweep";

    /** Up to this many scores the one-launch rank sort is used, beyond it the radix sort. */
    public static final int RANK_SORT_MAX = 2048;

    // launch shapes cuda/nms.cu is written for
    private static final int BLOCK_BITS = 64;
    private static final int RANK_THREADS = 256;
    private static final int RADIX_THREADS = 256;
    private static final int RADIX_TILE = 1024;
    private static final int RADIX_BUCKETS = 256;
    private static final int SCAN_THREADS = 1024;
    private static final int SWEEP_THREADS = 512;
    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private NmsKernels() {
    }

    /**
     * order[0..n) (I32) = indices of scores[0..n) (F32) by descending score, ties in index order, NaN first, -0.0
     * equal to 0.0. Asynchronous (no host sync).
     */
    public static void sortByScoreDescending(CudaDevice device, CUdeviceptr scores, int n, CUdeviceptr order) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        try (DeviceBuffer keys = device.allocate(4L * n)) {
            device.kernel(SCORE_KEYS).launch(linear(n), scores, n, keys, order);
            sortKeysAscending(device, keys, n, order);
        }
    }

    /**
     * Stable ascending sort of the 32-bit unsigned keys[0..n): order[0..n) (I32) must hold 0..n-1 on entry and
     * holds afterwards the index of the p-th smallest key at p, equal keys in index order. keys is scratch (its
     * contents are undefined afterwards). Asynchronous.
     */
    public static void sortKeysAscending(CudaDevice device, DeviceBuffer keys, int n, CUdeviceptr order) {
        checkCount(n);
        if (n == 0) {
            return;
        }
        if (n <= RANK_SORT_MAX) {
            // ranks from the keys alone: the initial payload must be the identity for this path
            device.kernel(RANK_SORT).launch(Grid.linear(n, RANK_THREADS), keys, n, order);
            return;
        }
        int tiles = (n + RADIX_TILE - 1) / RADIX_TILE;
        try (DeviceBuffer keys2 = device.allocate(4L * n); DeviceBuffer order2 = device.allocate(4L * n);
                DeviceBuffer counts = device.allocate(4L * RADIX_BUCKETS * tiles)) {
            CUdeviceptr[] k = {keys.pointer(), keys2.pointer()};
            CUdeviceptr[] v = {order, order2.pointer()};
            Grid perTile = Grid.of(tiles, 1, 1, RADIX_THREADS, 1, 1);
            for (int pass = 0; pass < 4; pass++) {
                int shift = 8 * pass;
                int in = pass & 1;
                device.kernel(RADIX_HISTOGRAM).launch(perTile, k[in], n, shift, counts, tiles);
                device.kernel(RADIX_SCAN).launch(Grid.of(1, 1, 1, SCAN_THREADS, 1, 1), counts,
                        RADIX_BUCKETS * tiles);
                device.kernel(RADIX_SCATTER).launch(perTile, k[in], v[in], k[1 - in], v[1 - in], n, shift, counts,
                        tiles);
            }
            // four passes: the result is back in (keys, order)
        }
    }

    /**
     * torchvision.ops.nms: boxes [n,4] F32, scores [n] F32; writes the kept indices (I64, by descending score)
     * to keep[0..count) and returns count. keep must hold n longs.
     */
    public static int nms(CudaDevice device, CUdeviceptr boxes, CUdeviceptr scores, int n, float iouThreshold,
            CUdeviceptr keep) {
        return run(device, boxes, scores, null, false, n, iouThreshold, keep);
    }

    /**
     * torchvision.ops.batched_nms: as {@link #nms}, a box only suppressing boxes of the same idxs value; idxs [n]
     * is I64 when {@code idxsIs64}, else I32.
     */
    public static int batchedNms(CudaDevice device, CUdeviceptr boxes, CUdeviceptr scores, CUdeviceptr idxs,
            boolean idxsIs64, int n, float iouThreshold, CUdeviceptr keep) {
        if (idxs == null) {
            throw new IllegalArgumentException("idxs: required, got null");
        }
        return run(device, boxes, scores, idxs, idxsIs64, n, iouThreshold, keep);
    }

    /** {@link #nms(CudaDevice, CUdeviceptr, CUdeviceptr, int, float, CUdeviceptr)} on buffers. */
    public static int nms(CudaDevice device, DeviceBuffer boxes, DeviceBuffer scores, int n, float iouThreshold,
            DeviceBuffer keep) {
        return nms(device, boxes.pointer(), scores.pointer(), n, iouThreshold, keep.pointer());
    }

    /** {@link #batchedNms(CudaDevice, CUdeviceptr, CUdeviceptr, CUdeviceptr, boolean, int, float, CUdeviceptr)}. */
    public static int batchedNms(CudaDevice device, DeviceBuffer boxes, DeviceBuffer scores, DeviceBuffer idxs,
            boolean idxsIs64, int n, float iouThreshold, DeviceBuffer keep) {
        return batchedNms(device, boxes.pointer(), scores.pointer(), idxs.pointer(), idxsIs64, n, iouThreshold,
                keep.pointer());
    }

    private static int run(CudaDevice device, CUdeviceptr boxes, CUdeviceptr scores, CUdeviceptr idxs,
            boolean idxsIs64, int n, float iouThreshold, CUdeviceptr keep) {
        checkCount(n);
        if (n == 0) {
            return 0;
        }
        int colBlocks = (n + BLOCK_BITS - 1) / BLOCK_BITS;
        long pairs = (long) colBlocks * (colBlocks + 1) / 2;
        if (pairs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("n: " + n + " boxes need more mask blocks than one launch holds");
        }
        try (DeviceBuffer order = device.allocate(4L * n);
                DeviceBuffer sorted = device.allocate(16L * n);
                DeviceBuffer areas = device.allocate(4L * n);
                DeviceBuffer labels = device.allocate(idxs == null ? 0 : 8L * n);
                DeviceBuffer mask = device.allocate(8L * n * colBlocks);
                DeviceBuffer scratch = device.allocate(16L * colBlocks);
                DeviceBuffer count = device.allocate(4)) {
            sortByScoreDescending(device, scores, n, order.pointer());
            device.kernel(GATHER_BOXES).launch(linear(n), boxes, order, n, sorted, areas);
            Grid maskGrid = Grid.of((int) pairs, 1, 1, BLOCK_BITS, 1, 1);
            if (idxs == null) {
                device.kernel(MASK).launch(maskGrid, sorted, areas, n, colBlocks, iouThreshold, mask);
            } else {
                device.kernel(idxsIs64 ? GATHER_LABELS_I64 : GATHER_LABELS_I32).launch(linear(n), idxs, order, n,
                        labels);
                device.kernel(BATCHED_MASK).launch(maskGrid, sorted, areas, labels, n, colBlocks, iouThreshold, mask);
            }
            device.kernel(SWEEP).launch(Grid.of(1, 1, 1, SWEEP_THREADS, 1, 1), mask, order, n, colBlocks, scratch,
                    keep, count);
            int[] k = new int[1];
            device.copyDeviceToHost(k, count);
            return k[0];
        }
    }

    private static Grid linear(long n) {
        return Grid.linear(Math.min(n, MAX_THREADS), BLOCK);
    }

    private static void checkCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: expected >= 0, got " + n);
        }
    }
}
