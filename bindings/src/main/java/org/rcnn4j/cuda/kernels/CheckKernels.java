package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/checks.cu: argument checks on device data that lower an error word (a device
 * int64 the caller set to Long.MAX_VALUE) to {@code (check << 32) | i} for the first offending element i of check
 * number {@code check}; {@link #indexValue} then copies that element's value into the int64 after the word, for
 * the exceptions that quote it. Asynchronous on the device's stream; the caller reads the word back at a
 * synchronization it makes anyway.
 */
public final class CheckKernels {
    public static final String ROI_BATCH = "rcnn4j_check_roi_batch";
    public static final String INDEX_RANGE = "rcnn4j_check_index_range";
    public static final String INDEX_VALUE = "rcnn4j_check_index_value";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 20;

    private CheckKernels() {
    }

    /**
     * error = min(error, check &lt;&lt; 32 | i) for the RoIs i of boxes ([k, stride], F32, or F64 when {@code f64})
     * whose batch index (column 0) is not in (-1, n).
     */
    public static void roiBatch(CudaDevice device, CUdeviceptr boxes, boolean f64, int k, int stride, int n,
            int check, CUdeviceptr error) {
        if (k < 0 || stride < 1) {
            throw new IllegalArgumentException("k, stride: expected k >= 0 and stride >= 1, got " + k + ", " + stride);
        }
        if (k == 0) {
            return;
        }
        device.kernel(ROI_BATCH).launch(Grid.linear(Math.min(k, MAX_THREADS), BLOCK), boxes, f64 ? 1 : 0, k, stride,
                n, tag(check), error);
    }

    /**
     * error = min(error, check &lt;&lt; 32 | i) for the i with index[i] (I64, or I32 when not {@code is64}) outside
     * [0, bound), skipping values equal to {@code skip} when it is not null.
     */
    public static void indexRange(CudaDevice device, CUdeviceptr index, boolean is64, int k, long bound, Long skip,
            int check, CUdeviceptr error) {
        if (k < 0) {
            throw new IllegalArgumentException("k: expected >= 0, got " + k);
        }
        if (k == 0) {
            return;
        }
        device.kernel(INDEX_RANGE).launch(Grid.linear(Math.min(k, MAX_THREADS), BLOCK), index, is64 ? 1 : 0, k, bound,
                skip == null ? 0 : 1, skip == null ? 0L : skip, tag(check), error);
    }

    /**
     * error[1] = index[i] when error[0] names check {@code check} and its element i (queued right after that check's
     * {@link #indexRange}; error points at two int64).
     */
    public static void indexValue(CudaDevice device, CUdeviceptr index, boolean is64, int check, CUdeviceptr error) {
        device.kernel(INDEX_VALUE).launch(Grid.linear(1, 1), index, is64 ? 1 : 0, tag(check), error);
    }

    private static long tag(int check) {
        if (check < 0) {
            throw new IllegalArgumentException("check: expected >= 0, got " + check);
        }
        return (long) check << 32;
    }
}
