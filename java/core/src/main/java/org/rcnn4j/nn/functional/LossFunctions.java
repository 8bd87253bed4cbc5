package org.rcnn4j.nn.functional;

import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The detection losses (torch.nn.functional names and semantics); each returns a 0-dim Var. Forward and backward
 * run on the operands' backend ({@link Backend#losses()}).
 */
public final class LossFunctions {
    /** torch's default ignore_index for cross_entropy. */
    public static final long IGNORE_INDEX = -100;

    private LossFunctions() {
    }

    /** F.smooth_l1_loss(input, target, beta=beta, reduction=...); gradients for both operands. */
    public static Var smoothL1(Var input, Var target, double beta, Reduction reduction) {
        TensorMath.checkPair("smooth_l1_loss", input, target);
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("smooth_l1_loss: beta must be >= 0, got " + beta);
        }
        double scale = reduction == Reduction.MEAN ? 1.0 / input.numel() : 1.0;
        Backend b = input.backend();
        return Autograd.record("smooth_l1_loss", b, b.losses().smoothL1(input.value(), target.value(), beta, scale),
                g -> b.losses().smoothL1Backward(input.value(), target.value(), beta, scale, g,
                        input.requiresGrad(), target.requiresGrad()), new Var[] {input, target});
    }

    /** F.binary_cross_entropy_with_logits(input, target) with reduction mean. */
    public static Var binaryCrossEntropyWithLogits(Var input, Var target) {
        TensorMath.checkPair("binary_cross_entropy_with_logits", input, target);
        Backend b = input.backend();
        return Autograd.record("binary_cross_entropy_with_logits", b, b.losses().bceWithLogits(input.value(),
                target.value()), g -> b.losses().bceWithLogitsBackward(input.value(), target.value(), g,
                        input.requiresGrad(), target.requiresGrad()), new Var[] {input, target});
    }

    /** F.cross_entropy(input [N,C], target I64/I32 [N]) with reduction mean and ignore_index -100. */
    public static Var crossEntropy(Var input, Var target) {
        TensorMath.checkFloat("cross_entropy", "input", input);
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
        Backend b = input.backend();
        // the backend checks the targets (a bad one fails naming itself)
        org.rcnn4j.backend.Losses.CrossEntropy r = b.losses().crossEntropy(input.value(), target.value(),
                IGNORE_INDEX);
        // kept until backward has run: what the backend saved for it
        Var saved = Var.of(b, r.saved());
        return Autograd.record("cross_entropy", b, r.loss(), g -> new Tensor[] {b.losses().crossEntropyBackward(
                input.value(), target.value(), IGNORE_INDEX, saved.value(), g), null}, new Var[] {input, target},
                saved);
    }
}
