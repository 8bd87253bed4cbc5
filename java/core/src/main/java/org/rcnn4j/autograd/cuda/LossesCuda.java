package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.LossesKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Autograd's losses on device F32 tensors (cuda/losses.cu): each forward gives a 0-dim device tensor, each
 * backward reads the upstream gradient g (a one-element device tensor) on the device. Results are fresh device
 * tensors; a gradient that is not wanted is not computed (null).
 */
public final class LossesCuda {
    private LossesCuda() {
    }

    /** Whether these kernels serve this tensor (device F32 on a CUDA backend). */
    public static boolean supports(Backend backend, Tensor t) {
        return DeviceF32.supports(backend, t);
    }

    private static Tensor scalar(Backend b, DeviceF32.Launch launch) {
        return DeviceF32.run(b, DType.F32, new int[0], launch);
    }

    private interface PairBackward {
        void run(DeviceBuffer gx, DeviceBuffer gy);
    }

    /** The gradients of both operands of shape {@code like}, either left null when not wanted. */
    private static Tensor[] pair(Backend b, Tensor like, boolean wantX, boolean wantY, PairBackward launch) {
        Tensor[] r = new Tensor[2];
        if (!wantX && !wantY) {
            return r;
        }
        try {
            r[0] = wantX ? DeviceF32.empty(b, DType.F32, like.shape()) : null;
            r[1] = wantY ? DeviceF32.empty(b, DType.F32, like.shape()) : null;
            launch.run(r[0] == null ? null : r[0].deviceBuffer(), r[1] == null ? null : r[1].deviceBuffer());
            return r;
        } catch (RuntimeException e) {
            for (Tensor t : r) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    /** scale * sum of smooth_l1(x - y, beta) (scale 1: sum, 1/numel: mean). */
    public static Tensor smoothL1(Backend b, Tensor x, Tensor y, double beta, double scale) {
        return scalar(b, (d, o) -> LossesKernels.smoothL1(d, x.deviceBuffer(), y.deviceBuffer(), x.numel(), beta,
                scale, o.deviceBuffer()));
    }

    /** {d x, d y} of {@link #smoothL1} for upstream gradient g; an unwanted one is null. */
    public static Tensor[] smoothL1Backward(Backend b, Tensor x, Tensor y, double beta, double scale, Tensor g,
            boolean wantX, boolean wantY) {
        return pair(b, x, wantX, wantY, (gx, gy) -> LossesKernels.smoothL1Backward(DeviceF32.device(b),
                x.deviceBuffer(), y.deviceBuffer(), x.numel(), beta, g.deviceBuffer(), scale, gx, gy));
    }

    /** The mean of binary_cross_entropy_with_logits(x, y). */
    public static Tensor bceWithLogits(Backend b, Tensor x, Tensor y) {
        return scalar(b, (d, o) -> LossesKernels.bceWithLogits(d, x.deviceBuffer(), y.deviceBuffer(), x.numel(),
                1.0 / x.numel(), o.deviceBuffer()));
    }

    /** {d x, d y} of {@link #bceWithLogits} for upstream gradient g; an unwanted one is null. */
    public static Tensor[] bceWithLogitsBackward(Backend b, Tensor x, Tensor y, Tensor g, boolean wantX,
            boolean wantY) {
        return pair(b, x, wantX, wantY, (gx, gy) -> LossesKernels.bceWithLogitsBackward(DeviceF32.device(b),
                x.deviceBuffer(), y.deviceBuffer(), x.numel(), g.deviceBuffer(), 1.0 / x.numel(), gx, gy));
    }

    /**
     * A cross entropy forward: the loss (0-dim F32) and what backward needs, stats (F64 [rows + 1]: each row's
     * log-sum-exp, then 1 / counted rows). The caller owns both.
     */
    public record CrossEntropy(Tensor loss, Tensor stats) {
    }

    /** Mean cross entropy of x [rows, classes] against target (device I64 [rows], checked) skipping ignoreIndex. */
    public static CrossEntropy crossEntropy(Backend b, Tensor x, Tensor target, long ignoreIndex) {
        int rows = x.shape()[0];
        int classes = x.shape()[1];
        Tensor stats = DeviceF32.empty(b, DType.F64, rows + 1);
        try {
            DeviceBuffer s = stats.deviceBuffer();
            Tensor loss = scalar(b, (d, o) -> LossesKernels.crossEntropy(d, x.deviceBuffer(), target.deviceBuffer(),
                    rows, classes, ignoreIndex, o.deviceBuffer(), s.slice(0, 8L * rows), s.slice(8L * rows, 8)));
            return new CrossEntropy(loss, stats);
        } catch (RuntimeException e) {
            stats.close();
            throw e;
        }
    }

    /** d x of {@link #crossEntropy} for upstream gradient g, from the forward's stats. */
    public static Tensor crossEntropyBackward(Backend b, Tensor x, Tensor target, long ignoreIndex, Tensor stats,
            Tensor g) {
        int rows = x.shape()[0];
        DeviceBuffer s = stats.deviceBuffer();
        return DeviceF32.run(b, DType.F32, x.shape(), (d, gx) -> LossesKernels.crossEntropyBackward(d,
                x.deviceBuffer(), target.deviceBuffer(), rows, x.shape()[1], ignoreIndex, s.slice(0, 8L * rows), g
                        .deviceBuffer(), s.slice(8L * rows, 8), gx.deviceBuffer()));
    }
}
