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
    public static final String MEAN_F32 = "rcnn4j_batch_norm_mean_f32";
    public static final String MEAN_F64 = "rcnn4j_batch_norm_mean_f64";
    public static final String COEFFICIENTS_F32 = "rcnn4j_batch_norm_coefficients_f32";
    public static final String COEFFICIENTS_F64 = "rcnn4j_batch_norm_coefficients_f64";
    public static final String BACKWARD_TERMS_F32 = "rcnn4j_batch_norm_backward_terms_f32";
    public static final String BACKWARD_TERMS_F64 = "rcnn4j_batch_norm_backward_terms_f64";

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

    private static Grid perChannel(int c) {
        return Grid.linear(c, BLOCK);
    }

    private static void checkChannels(int c) {
        if (c < 0) {
            throw new IllegalArgumentException("batch_norm: c must be >= 0, got " + c);
        }
    }

    /** state [c] (F64) = sums * invCount; negMean [c] = -state rounded to the precision. */
    public static void mean(CudaDevice device, Precision precision, DeviceBuffer sums, int c, double invCount,
            DeviceBuffer state, DeviceBuffer negMean) {
        checkChannels(c);
        if (c > 0) {
            device.kernel(precision == Precision.F32 ? MEAN_F32 : MEAN_F64).launch(perChannel(c), sums.pointer(), c,
                    invCount, state.pointer(), negMean.pointer());
        }
    }

    /**
     * Training batch norm's coefficients: state [3, c] (F64) = {mean, invstd, a}, values [2, c] = {a, shift};
     * runningMean and runningVar (may be null) updated in place. See cuda/batch_norm.cu.
     */
    public static void coefficients(CudaDevice device, Precision precision, DeviceBuffer mean, DeviceBuffer squares,
            DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer weight, DeviceBuffer bias, int c,
            double invCount, double keep, double momentum, double unbias, double eps, DeviceBuffer state,
            DeviceBuffer values) {
        checkChannels(c);
        if (c > 0) {
            device.kernel(precision == Precision.F32 ? COEFFICIENTS_F32 : COEFFICIENTS_F64).launch(perChannel(c),
                    mean.pointer(), squares.pointer(), orNull(runningMean), orNull(runningVar), orNull(weight),
                    orNull(bias), c, invCount, keep, momentum, unbias, eps, state.pointer(), values.pointer());
        }
    }

    /** out [4, c] = {dgamma, a, p, q} of batch norm's backward from state [3, c] and the sums of g and g * x. */
    public static void backwardTerms(CudaDevice device, Precision precision, DeviceBuffer state, DeviceBuffer sumDy,
            DeviceBuffer sumDyX, int c, double count, DeviceBuffer out) {
        checkChannels(c);
        if (c > 0) {
            device.kernel(precision == Precision.F32 ? BACKWARD_TERMS_F32 : BACKWARD_TERMS_F64).launch(perChannel(c),
                    state.pointer(), sumDy.pointer(), sumDyX.pointer(), c, count, out.pointer());
        }
    }
}
