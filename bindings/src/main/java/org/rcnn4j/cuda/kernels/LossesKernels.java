package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;

/**
 * The pointer-level face of cuda/losses.cu: smooth_l1_loss, binary_cross_entropy_with_logits and cross_entropy on
 * F32 buffers. Forward writes the reduced loss as one float (computed in double, in a fixed order, see
 * {@link ReduceKernels}); backward reads the scalar upstream gradient g[0] on the device and writes the
 * gradients. Asynchronous on the device's stream.
 */
public final class LossesKernels {
    public static final String SMOOTH_L1_PARTIAL_F32 = "rcnn4j_losses_smooth_l1_partial_f32";
    public static final String SMOOTH_L1_BACKWARD_F32 = "rcnn4j_losses_smooth_l1_backward_f32";
    public static final String BCE_WITH_LOGITS_PARTIAL_F32 = "rcnn4j_losses_bce_with_logits_partial_f32";
    public static final String BCE_WITH_LOGITS_BACKWARD_F32 = "rcnn4j_losses_bce_with_logits_backward_f32";
    public static final String CROSS_ENTROPY_PARTIAL_F32 = "rcnn4j_losses_cross_entropy_partial_f32";
    public static final String CROSS_ENTROPY_FINISH_F32 = "rcnn4j_losses_cross_entropy_finish_f32";
    public static final String CROSS_ENTROPY_BACKWARD_F32 = "rcnn4j_losses_cross_entropy_backward_f32";

    private LossesKernels() {
    }

    /** A gradient output that is not wanted is passed as a null pointer. */
    private static CUdeviceptr orNull(DeviceBuffer b) {
        return b == null ? new CUdeviceptr() : b.pointer();
    }

    /** out[0] = scale * sum of smooth_l1(x - y, beta) over n elements (scale 1 for sum, 1/n for mean). */
    public static void smoothL1(CudaDevice device, DeviceBuffer x, DeviceBuffer y, long n, double beta,
            double scale, DeviceBuffer out) {
        ReduceKernels.count("smooth_l1_loss", n);
        try (DeviceBuffer partial = ReduceKernels.partials(device, n)) {
            device.kernel(SMOOTH_L1_PARTIAL_F32).launch(ReduceKernels.partialGrid(n), x.pointer(), y.pointer(), n,
                    beta, partial.pointer());
            ReduceKernels.finish(device, partial, n, scale, out);
        }
    }

    /** gx = g[0] * scale * smooth_l1'(x - y), gy = -gx; gx or gy may be null (not wanted). */
    public static void smoothL1Backward(CudaDevice device, DeviceBuffer x, DeviceBuffer y, long n, double beta,
            DeviceBuffer g, double scale, DeviceBuffer gx, DeviceBuffer gy) {
        if (ReduceKernels.count("smooth_l1_loss backward", n) > 0) {
            device.kernel(SMOOTH_L1_BACKWARD_F32).launch(ReduceKernels.elementwiseGrid(n), x.pointer(), y.pointer(),
                    n, beta, g.pointer(), scale, orNull(gx), orNull(gy));
        }
    }

    /** out[0] = scale * sum of max(x,0) - x y + log1p(exp(-|x|)) over n elements. */
    public static void bceWithLogits(CudaDevice device, DeviceBuffer x, DeviceBuffer y, long n, double scale,
            DeviceBuffer out) {
        ReduceKernels.count("binary_cross_entropy_with_logits", n);
        try (DeviceBuffer partial = ReduceKernels.partials(device, n)) {
            device.kernel(BCE_WITH_LOGITS_PARTIAL_F32).launch(ReduceKernels.partialGrid(n), x.pointer(),
                    y.pointer(), n, partial.pointer());
            ReduceKernels.finish(device, partial, n, scale, out);
        }
    }

    /** gx = k (sigmoid(x) - y), gy = -k x with k = g[0] * scale; gx or gy may be null. */
    public static void bceWithLogitsBackward(CudaDevice device, DeviceBuffer x, DeviceBuffer y, long n,
            DeviceBuffer g, double scale, DeviceBuffer gx, DeviceBuffer gy) {
        if (ReduceKernels.count("binary_cross_entropy_with_logits backward", n) > 0) {
            device.kernel(BCE_WITH_LOGITS_BACKWARD_F32).launch(ReduceKernels.elementwiseGrid(n), x.pointer(),
                    y.pointer(), n, g.pointer(), scale, orNull(gx), orNull(gy));
        }
    }

    private static void checkShape(long rows, int classes) {
        if (rows < 0 || classes < 0) {
            throw new IllegalArgumentException("cross_entropy: rows and classes must be >= 0, got " + rows + ", "
                    + classes);
        }
    }

    /**
     * Mean cross entropy of logits x [rows, classes] against int64 targets [rows] (each in [0, classes) or
     * ignoreIndex) over the rows not ignored: out[0] (float; NaN when every row is ignored). Also writes lse
     * [rows] (double: each row's log-sum-exp) and scale [1] (double: 1 / counted rows), which backward reads.
     */
    public static void crossEntropy(CudaDevice device, DeviceBuffer x, DeviceBuffer target, long rows, int classes,
            long ignoreIndex, DeviceBuffer out, DeviceBuffer lse, DeviceBuffer scale) {
        checkShape(rows, classes);
        // one partial loss and one partial count per block
        try (DeviceBuffer partial = device.allocate(16L * ReduceKernels.blocks(rows))) {
            device.kernel(CROSS_ENTROPY_PARTIAL_F32).launch(ReduceKernels.partialGrid(rows), x.pointer(),
                    target.pointer(), rows, classes, ignoreIndex, lse.pointer(), partial.pointer());
            device.kernel(CROSS_ENTROPY_FINISH_F32).launch(ReduceKernels.finishGrid(), partial.pointer(),
                    ReduceKernels.blocks(rows), out.pointer(), scale.pointer());
        }
    }

    /** gx [rows, classes] = g[0] * scale[0] * (softmax(x) - onehot(target)), ignored rows 0 * that factor. */
    public static void crossEntropyBackward(CudaDevice device, DeviceBuffer x, DeviceBuffer target, long rows,
            int classes, long ignoreIndex, DeviceBuffer lse, DeviceBuffer g, DeviceBuffer scale, DeviceBuffer gx) {
        checkShape(rows, classes);
        long n = rows * classes;
        if (n > 0) {
            device.kernel(CROSS_ENTROPY_BACKWARD_F32).launch(ReduceKernels.elementwiseGrid(n), x.pointer(),
                    target.pointer(), rows, classes, ignoreIndex, lse.pointer(), g.pointer(), scale.pointer(),
                    gx.pointer());
        }
    }
}
