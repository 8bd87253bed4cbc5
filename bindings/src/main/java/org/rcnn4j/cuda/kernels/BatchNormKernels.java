package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;

/**
 * The pointer-level face of cuda/batch_norm.cu: per-channel affine maps and per-channel sums over tensors laid out
 * [n, c, pixels] (NCHW with pixels = H*W), the pieces of batch norm and FrozenBatchNorm2d. Asynchronous on the
 * device's stream.
 */
public final class BatchNormKernels {
    public static final String CHANNEL_AFFINE_F32 = "rcnn4j_batch_norm_channel_affine_f32";
    public static final String CHANNEL_AFFINE_F64 = "rcnn4j_batch_norm_channel_affine_f64";
    public static final String CHANNEL_SUM_F32 = "rcnn4j_batch_norm_channel_sum_f32";
    public static final String CHANNEL_SUM_F64 = "rcnn4j_batch_norm_channel_sum_f64";

    private static final int BLOCK = 256;
    /** Must match RCNN4J_BATCH_NORM_SUM_THREADS. */
    private static final int SUM_THREADS = 256;
    private static final long MAX_THREADS = 1L << 22;

    private BatchNormKernels() {
    }

    private static void check(int n, int c, long pixels) {
        if (n < 0 || c < 0 || pixels < 0) {
            throw new IllegalArgumentException("batch_norm: sizes must be >= 0, got n=" + n + " c=" + c + " pixels="
                    + pixels);
        }
    }

    private static CUdeviceptr orNull(DeviceBuffer b) {
        return b == null ? new CUdeviceptr() : b.pointer();
    }

    /** out = x * scale[c] + shift[c]; scale or shift may be null (1 and 0). out may alias x. */
    public static void channelAffine(CudaDevice device, Precision precision, DeviceBuffer x, DeviceBuffer scale,
            DeviceBuffer shift, DeviceBuffer out, int n, int c, long pixels) {
        check(n, c, pixels);
        long count = (long) n * c * pixels;
        if (count == 0) {
            return;
        }
        device.kernel(precision == Precision.F32 ? CHANNEL_AFFINE_F32 : CHANNEL_AFFINE_F64).launch(
                Grid.linear(Math.min(count, MAX_THREADS), BLOCK), x.pointer(), orNull(scale), orNull(shift),
                scale == null ? 0 : 1, shift == null ? 0 : 1, out.pointer(), c, pixels, count);
    }

    /** out [c] = sum over n and pixels of x (times y elementwise when y is not null); every element written. */
    public static void channelSum(CudaDevice device, Precision precision, DeviceBuffer x, DeviceBuffer y,
            DeviceBuffer out, int n, int c, long pixels) {
        check(n, c, pixels);
        if (c == 0) {
            return;
        }
        device.kernel(precision == Precision.F32 ? CHANNEL_SUM_F32 : CHANNEL_SUM_F64).launch(
                Grid.of(c, 1, 1, SUM_THREADS, 1, 1), x.pointer(), orNull(y), y == null ? 0 : 1, out.pointer(), n, c,
                pixels);
    }
}
