package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/avg_pool.cu: F.adaptive_avg_pool2d on F32 planes [planes, h, w] to
 * [planes, oh, ow], and its gradient (a gather, no atomics). Asynchronous on the device's stream.
 */
public final class AvgPoolKernels {
    public static final String FORWARD_F32 = "rcnn4j_adaptive_avg_pool2d_forward_f32";
    public static final String BACKWARD_F32 = "rcnn4j_adaptive_avg_pool2d_backward_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private AvgPoolKernels() {
    }

    private static void check(long planes, int h, int w, int oh, int ow) {
        if (planes < 0 || h < 1 || w < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: need planes >= 0 and h, w, oh, ow >= 1, got "
                    + "planes=" + planes + " h=" + h + " w=" + w + " oh=" + oh + " ow=" + ow);
        }
    }

    /** out [planes, oh, ow] (every element written). */
    public static void forward(CudaDevice device, DeviceBuffer x, long planes, int h, int w, int oh, int ow,
            DeviceBuffer out) {
        check(planes, h, w, oh, ow);
        long n = planes * oh * ow;
        if (n > 0) {
            device.kernel(FORWARD_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), x.pointer(), planes, h, w,
                    oh, ow, out.pointer());
        }
    }

    /** gradInput [planes, h, w] from g [planes, oh, ow] (every element written). */
    public static void backward(CudaDevice device, DeviceBuffer g, long planes, int h, int w, int oh, int ow,
            DeviceBuffer gradInput) {
        check(planes, h, w, oh, ow);
        long n = planes * h * w;
        if (n > 0) {
            device.kernel(BACKWARD_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), g.pointer(), planes, h,
                    w, oh, ow, gradInput.pointer());
        }
    }
}
