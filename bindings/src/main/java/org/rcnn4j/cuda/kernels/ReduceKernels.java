package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/reduce.cu: the scaled sum of all elements of an F32 buffer into one float (sum,
 * mean) and its backward, a fill with the scalar upstream gradient times the scale. Sums are in double in a fixed
 * order (cuda/include/rcnn4j/block_sum.cuh): the same input gives the same bits on every run. Asynchronous on the
 * device's stream; the upstream gradient stays on the device.
 */
public final class ReduceKernels {
    public static final String SUM_PARTIAL_F32 = "rcnn4j_reduce_sum_partial_f32";
    public static final String FINISH_F32 = "rcnn4j_reduce_finish_f32";
    public static final String FILL_F32 = "rcnn4j_reduce_fill_f32";

    /** Must match RCNN4J_SUM_THREADS. */
    static final int SUM_THREADS = 256;
    /** Partial sums per reduction at most: enough blocks to fill a GPU, few enough for one finishing block. */
    static final int MAX_PARTS = 1024;

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private ReduceKernels() {
    }

    /**
     * Blocks of a partial launch over {@code n} terms. A function of n alone (never of the device), so each term
     * always lands in the same thread: the order of the additions, and so the result, is fixed.
     */
    static int blocks(long n) {
        return (int) Math.max(1, Math.min(MAX_PARTS, (n + SUM_THREADS - 1) / SUM_THREADS));
    }

    static Grid partialGrid(long n) {
        return Grid.of(blocks(n), 1, 1, SUM_THREADS, 1, 1);
    }

    static Grid finishGrid() {
        return Grid.of(1, 1, 1, SUM_THREADS, 1, 1);
    }

    static Grid elementwiseGrid(long n) {
        return Grid.linear(Math.min(n, MAX_THREADS), BLOCK);
    }

    static long count(String what, long n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + ": n must be >= 0, got " + n);
        }
        return n;
    }

    /** Partial sums in double, one per block of {@link #partialGrid}; the caller closes it. */
    static DeviceBuffer partials(CudaDevice device, long n) {
        return device.allocate(8L * blocks(n));
    }

    /** out[0] = (float) (the sum of the partials of a reduction over n terms * scale). */
    static void finish(CudaDevice device, DeviceBuffer partial, long n, double scale, DeviceBuffer out) {
        device.kernel(FINISH_F32).launch(finishGrid(), partial.pointer(), blocks(n), scale, out.pointer());
    }

    /**
     * out[0] = (float) (scale * the sum of x[0, n)), summed in double: sum with scale 1, mean with 1/n (an empty
     * mean is then NaN, as torch's).
     */
    public static void sum(CudaDevice device, DeviceBuffer x, long n, double scale, DeviceBuffer out) {
        count("reduce sum", n);
        try (DeviceBuffer partial = partials(device, n)) {
            device.kernel(SUM_PARTIAL_F32).launch(partialGrid(n), x.pointer(), n, partial.pointer());
            finish(device, partial, n, scale, out);
        }
    }

    /** out[0, n) = (float) (g[0] * scale): the gradient of sum (scale 1) and mean (1/n). */
    public static void fill(CudaDevice device, DeviceBuffer g, double scale, DeviceBuffer out, long n) {
        if (count("reduce fill", n) > 0) {
            device.kernel(FILL_F32).launch(elementwiseGrid(n), g.pointer(), scale, out.pointer(), n);
        }
    }
}
