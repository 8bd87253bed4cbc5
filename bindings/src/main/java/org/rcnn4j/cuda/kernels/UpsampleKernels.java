package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;

/**
 * The pointer-level face of cuda/upsample.cu: nearest-neighbour resizing of [planes, h, w] to [planes, oh, ow]
 * (F.interpolate mode='nearest' with a size) and its gradient. Asynchronous on the device's stream.
 */
public final class UpsampleKernels {
    public static final String NEAREST_FORWARD_F32 = "rcnn4j_upsample_nearest_forward_f32";
    public static final String NEAREST_FORWARD_F64 = "rcnn4j_upsample_nearest_forward_f64";
    public static final String NEAREST_BACKWARD_F32 = "rcnn4j_upsample_nearest_backward_f32";
    public static final String NEAREST_BACKWARD_F64 = "rcnn4j_upsample_nearest_backward_f64";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private UpsampleKernels() {
    }

    /** torch's nearest scale for one axis: in / out in float32 (the kernels floor dst * scale). */
    public static float nearestScale(int in, int out) {
        return (float) in / out;
    }

    private static void check(long planes, int h, int w, int oh, int ow) {
        if (planes < 0 || h < 1 || w < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("upsample_nearest: need planes >= 0 and positive extents, got planes="
                    + planes + " " + h + "x" + w + " -> " + oh + "x" + ow);
        }
    }

    /** y [planes, oh, ow] = x [planes, h, w] resized (every element written). */
    public static void nearestForward(CudaDevice device, Precision precision, DeviceBuffer x, DeviceBuffer y,
            long planes, int h, int w, int oh, int ow) {
        check(planes, h, w, oh, ow);
        long count = planes * oh * ow;
        if (count == 0) {
            return;
        }
        device.kernel(precision == Precision.F32 ? NEAREST_FORWARD_F32 : NEAREST_FORWARD_F64).launch(
                Grid.linear(Math.min(count, MAX_THREADS), BLOCK), x.pointer(), y.pointer(), planes, h, w, oh, ow,
                nearestScale(h, oh), nearestScale(w, ow));
    }

    /** gradX [planes, h, w] from gradY [planes, oh, ow] (every element written, no atomics). */
    public static void nearestBackward(CudaDevice device, Precision precision, DeviceBuffer gradY, DeviceBuffer gradX,
            long planes, int h, int w, int oh, int ow) {
        check(planes, h, w, oh, ow);
        long count = planes * h * w;
        if (count == 0) {
            return;
        }
        device.kernel(precision == Precision.F32 ? NEAREST_BACKWARD_F32 : NEAREST_BACKWARD_F64).launch(
                Grid.linear(Math.min(count, MAX_THREADS), BLOCK), gradY.pointer(), gradX.pointer(), planes, h, w, oh,
                ow, nearestScale(h, oh), nearestScale(w, ow));
    }
}
