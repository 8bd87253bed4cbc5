package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/max_pool.cu: F.max_pool2d on F32 planes [planes, h, w] (square kernel, stride,
 * padding; dilation 1, floor mode) with an int32 argmax (y*w+x within the plane), and its backward, a
 * deterministic gather of the gradient by that argmax. Asynchronous on the device's stream.
 */
public final class MaxPoolKernels {
    public static final String FORWARD_F32 = "rcnn4j_max_pool2d_forward_f32";
    public static final String BACKWARD_F32 = "rcnn4j_max_pool2d_backward_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private MaxPoolKernels() {
    }

    /** Output extent along one axis: (in + 2p - k) / s + 1 (floor mode). */
    public static int outSize(int in, int k, int s, int p) {
        return (in + 2 * p - k) / s + 1;
    }

    private static void check(long planes, int h, int w, int k, int s, int p) {
        if (planes < 0 || h < 1 || w < 1) {
            throw new IllegalArgumentException("max_pool2d: need planes >= 0 and h, w >= 1, got planes=" + planes
                    + " h=" + h + " w=" + w);
        }
        if (k < 1 || s < 1 || p < 0 || 2 * p > k) {
            throw new IllegalArgumentException("max_pool2d: need kernel_size >= 1, stride >= 1 and 0 <= padding <= "
                    + "kernel_size/2, got " + k + ", " + s + ", " + p);
        }
        if (outSize(h, k, s, p) < 1 || outSize(w, k, s, p) < 1) {
            throw new IllegalArgumentException("max_pool2d: kernel_size " + k + " with padding " + p
                    + " does not fit a " + h + "x" + w + " plane");
        }
    }

    /** out and argmax [planes, outSize(h), outSize(w)] (every element written). */
    public static void forward(CudaDevice device, DeviceBuffer x, long planes, int h, int w, int k, int s, int p,
            DeviceBuffer out, DeviceBuffer argmax) {
        check(planes, h, w, k, s, p);
        int oh = outSize(h, k, s, p);
        int ow = outSize(w, k, s, p);
        long n = planes * oh * ow;
        if (n > 0) {
            device.kernel(FORWARD_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), x.pointer(), planes, h, w,
                    k, s, p, oh, ow, out.pointer(), argmax.pointer());
        }
    }

    /** gradInput [planes, h, w] from g and argmax [planes, oh, ow] of {@link #forward} (every element written). */
    public static void backward(CudaDevice device, DeviceBuffer g, DeviceBuffer argmax, long planes, int h, int w,
            int k, int s, int p, DeviceBuffer gradInput) {
        check(planes, h, w, k, s, p);
        long n = planes * h * w;
        if (n > 0) {
            device.kernel(BACKWARD_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), g.pointer(),
                    argmax.pointer(), planes, h, w, k, s, p, outSize(h, k, s, p), outSize(w, k, s, p),
                    gradInput.pointer());
        }
    }
}
