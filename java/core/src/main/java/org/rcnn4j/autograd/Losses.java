package org.rcnn4j.autograd;

import java.util.Arrays;
import org.rcnn4j.autograd.cpu.Elementwise;
import org.rcnn4j.autograd.cpu.LossKernels;
import org.rcnn4j.autograd.cuda.GatherCuda;
import org.rcnn4j.autograd.cuda.LossesCuda;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The detection losses (torch.nn.functional names and semantics); each returns a 0-dim Var. On the CUDA backend
 * F32 device operands run on the device (cuda/losses.cu through {@link LossesCuda}); F64 operands, and operands
 * on the host, take the host kernels of {@link LossKernels} (through host copies on CUDA).
 */
public final class Losses {
    /** torch's default ignore_index for cross_entropy. */
    public static final long IGNORE_INDEX = -100;

    private Losses() {
    }

    /** F.smooth_l1_loss(input, target, beta=beta, reduction=...); gradients for both operands. */
    public static Var smoothL1(Var input, Var target, double beta, Reduction reduction) {
        Ops.checkPair("smooth_l1_loss", input, target);
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("smooth_l1_loss: beta must be >= 0, got " + beta);
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / input.numel() : 1.0;
        Backend b = input.backend();
        if (onDevice(input, target)) {
            return Autograd.record("smooth_l1_loss", b, LossesCuda.smoothL1(b, input.value(), target.value(), beta,
                    scale), g -> LossesCuda.smoothL1Backward(b, input.value(), target.value(), beta, scale, g,
                            input.requiresGrad(), target.requiresGrad()), new Var[] {input, target});
        }
        double[] x = Ops.read(input);
        double[] y = Ops.read(target);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += LossKernels.smoothL1(x[i] - y[i], beta);
        }
        Tensor out = Ops.make(input, new double[] {s * scale});
        return Autograd.record("smooth_l1_loss", input.backend(), out, g -> {
            double k = Ops.read(input.backend(), g)[0] * scale;
            double[] gx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                gx[i] = k * LossKernels.smoothL1Grad(x[i] - y[i], beta);
            }
            return twoSided(input, target, gx);
        }, new Var[] {input, target});
    }

    /** F.binary_cross_entropy_with_logits(input, target) with reduction mean. */
    public static Var binaryCrossEntropyWithLogits(Var input, Var target) {
        Ops.checkPair("binary_cross_entropy_with_logits", input, target);
        if (onDevice(input, target)) {
            Backend b = input.backend();
            return Autograd.record("binary_cross_entropy_with_logits", b, LossesCuda.bceWithLogits(b, input.value(),
                    target.value()), g -> LossesCuda.bceWithLogitsBackward(b, input.value(), target.value(), g,
                            input.requiresGrad(), target.requiresGrad()), new Var[] {input, target});
        }
        double[] x = Ops.read(input);
        double[] y = Ops.read(target);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += LossKernels.bceWithLogits(x[i], y[i]);
        }
        double scale = 1.0 / x.length;
        Tensor out = Ops.make(input, new double[] {s * scale});
        return Autograd.record("binary_cross_entropy_with_logits", input.backend(), out, g -> {
            double k = Ops.read(input.backend(), g)[0] * scale;
            Tensor[] r = new Tensor[2];
            if (input.requiresGrad()) {
                double[] gx = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    gx[i] = k * (Elementwise.sigmoid(x[i]) - y[i]);
                }
                r[0] = Ops.make(input, gx, input.shape());
            }
            if (target.requiresGrad()) {
                double[] gy = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    gy[i] = -k * x[i];
                }
                r[1] = Ops.make(input, gy, input.shape());
            }
            return r;
        }, new Var[] {input, target});
    }

    /** F.cross_entropy(input [N,C], target I64/I32 [N]) with reduction mean and ignore_index -100. */
    public static Var crossEntropy(Var input, Var target) {
        Ops.checkFloat("cross_entropy", "input", input);
        int[] s = input.shape();
        if (s.length != 2 || target.value().dim() != 1 || target.shape()[0] != s[0]) {
            throw new IllegalArgumentException("cross_entropy: input must be [N,C] and target [N], got "
                    + input.value() + " and " + target.value());
        }
        DType td = target.dtype();
        if (td != DType.I64 && td != DType.I32) {
            throw new IllegalArgumentException("cross_entropy: target must hold class indices (I64 or I32), got "
                    + td);
        }
        // read to the host to check them (one small copy): a bad target must fail here, naming itself
        long[] t = Tensors.readLongs(target.backend(), target.value());
        if (LossesCuda.supports(input.backend(), input.value())) {
            LossKernels.checkTargets(t, s[1], IGNORE_INDEX);
            return crossEntropyOnDevice(input, target, t);
        }
        double[] grad = new double[input.numel()];
        int[] counted = new int[1];
        double total = LossKernels.crossEntropy(Ops.read(input), s[0], s[1], t, IGNORE_INDEX, grad, counted);
        // torch divides by the number of counted rows: 0/0 = NaN when all are ignored
        double scale = 1.0 / counted[0];
        Tensor out = Ops.make(input, new double[] {total * scale});
        return Autograd.record("cross_entropy", input.backend(), out, g -> {
            // torch writes the gradient of counted rows only: all ignored gives zeros, not 0 * (1/0)
            double[] gx = counted[0] == 0 ? grad : Elementwise.scale(grad, Ops.read(input.backend(), g)[0] * scale);
            return new Tensor[] {Ops.make(input, gx, s), null};
        }, new Var[] {input, target});
    }

    /** Device F32 cross entropy; the targets t (host copy, checked) are uploaded unless already device I64. */
    private static Var crossEntropyOnDevice(Var input, Var target, long[] t) {
        Backend b = input.backend();
        Tensor dt = GatherCuda.deviceIndex(b, target.value(), t);
        LossesCuda.CrossEntropy r;
        try {
            r = LossesCuda.crossEntropy(b, input.value(), dt, IGNORE_INDEX);
        } catch (RuntimeException e) {
            if (dt != target.value()) {
                dt.close();
            }
            throw e;
        }
        // kept until backward has run: the row statistics, and an uploaded target
        Var stats = Var.of(b, r.stats());
        Var[] saved = dt == target.value() ? new Var[] {stats} : new Var[] {stats, Var.of(b, dt)};
        return Autograd.record("cross_entropy", b, r.loss(), g -> new Tensor[] {LossesCuda.crossEntropyBackward(b,
                input.value(), dt, IGNORE_INDEX, stats.value(), g), null}, new Var[] {input, target}, saved);
    }

    /** Both operands are device F32 tensors on a CUDA backend (checkPair made them one backend and dtype). */
    private static boolean onDevice(Var input, Var target) {
        return LossesCuda.supports(input.backend(), input.value())
                && LossesCuda.supports(input.backend(), target.value());
    }

    private static Tensor[] twoSided(Var input, Var target, double[] gx) {
        Backend b = input.backend();
        return new Tensor[] {input.requiresGrad() ? Tensors.make(b, gx, input.dtype(), input.shape()) : null,
                target.requiresGrad() ? Tensors.make(b, Elementwise.scale(gx, -1.0), input.dtype(), input.shape())
                        : null};
    }

    static String shape(Var v) {
        return Arrays.toString(v.shape());
    }
}
