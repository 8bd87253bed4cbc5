package org.rcnn4j.nn;

import java.util.Locale;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * A Conv2d, optionally followed by a batch norm (FrozenBatchNorm2d, or BatchNorm2d) and a ReLU: the pattern of the
 * backbones, the FPN and the detection heads, run as one step at inference. The one place where rcnn4j fuses
 * layers: {@link Sequential} hands it every such run of its children, the ResNet blocks call it directly.
 *
 * <p>Inference is a forward pass whose result needs no gradient (under {@link Autograd#noGrad}, or in eval mode
 * with nothing that requires grad). There:
 * <ul>
 *   <li>conv (with bias) + ReLU is one {@code conv2dBiasRelu} of the backend's Conv family: cuDNN's
 *       cudnnConvolutionBiasActivationForward; on the CPU backend and rcnn4j's own CUDA kernels conv2d then relu,
 *       the same arithmetic as the separate layers;</li>
 *   <li>conv + norm (+ ReLU) folds the norm into the convolution ({@link FoldedConv}, computed once and cached on
 *       the Conv2d) where the backend prefers it ({@link Backend#prefersFoldedBatchNorm()}: cuDNN) or the system
 *       property {@value #FOLD_PROPERTY} ({@code auto}, the default, {@code true} or {@code false}) says so. Folding
 *       changes the float arithmetic (the norm's scale multiplies the weights instead of the outputs), so the CPU
 *       backend keeps the separate layers by default.</li>
 * </ul>
 * Otherwise (training, gradients wanted, a BatchNorm2d in training mode) the layers run one by one, exactly as
 * they would alone.
 */
public final class ConvNormRelu {
    /** -Drcnn4j.foldBatchNorm=auto|true|false. */
    public static final String FOLD_PROPERTY = "rcnn4j.foldBatchNorm";

    private ConvNormRelu() {
    }

    /**
     * relu?(norm?(conv(x))).
     *
     * @param norm a FrozenBatchNorm2d or BatchNorm2d after the conv, or null
     * @param relu whether a ReLU follows
     */
    public static Var forward(Conv2d conv, Block norm, boolean relu, Var x) {
        if (norm != null && !isNorm(norm)) {
            throw new IllegalArgumentException("norm: expected FrozenBatchNorm2d or BatchNorm2d, got " + norm.typeName());
        }
        boolean batchStatistics = norm instanceof BatchNorm2d && norm.isTraining();
        if (conv.isTraining() || batchStatistics) {
            conv.dropFolded();  // training: the weights (and BatchNorm2d's running statistics) are about to change
        }
        if (!inference(conv, norm, x)) {
            return separate(conv, norm, relu, x);
        }
        Backend b = x.backend();
        if (norm != null) {
            if (batchStatistics || !folds(b)) {
                return separate(conv, norm, relu, x);
            }
            FoldedConv f = conv.folded(norm);
            return Var.of(b, relu ? b.conv().conv2dBiasRelu(x.value(), f.weight(), f.bias(), conv.params())
                    : b.conv().conv2d(x.value(), f.weight(), f.bias(), conv.params()));
        }
        if (!relu || conv.bias() == null) {
            return separate(conv, null, relu, x);
        }
        return Var.of(b, b.conv().conv2dBiasRelu(x.value(), conv.weight().var().value(), conv.bias().var().value(),
                conv.params()));
    }

    /** Whether {@code m} is a norm layer this class folds. */
    static boolean isNorm(Block m) {
        return m instanceof FrozenBatchNorm2d || m instanceof BatchNorm2d;
    }

    /** The layers one by one (the arithmetic of running them alone). */
    private static Var separate(Conv2d conv, Block norm, boolean relu, Var x) {
        Var y = conv.forward(x);
        if (norm != null) {
            Var n = ((Layer) norm).forward(y);
            y.drop(); // in inference each intermediate goes at its last use (Var.drop; nothing in training)
            y = n;
        }
        if (!relu) {
            return y;
        }
        Var r = TensorMath.relu(y);
        y.drop();
        return r;
    }

    /**
     * No gradient is wanted from this step, and it is not part of a training step (whose frozen layers keep the
     * separate layers' arithmetic).
     */
    private static boolean inference(Conv2d conv, Block norm, Var x) {
        if (!Autograd.isGradEnabled()) {
            return true;
        }
        if (conv.isTraining() || x.requiresGrad()) {
            return false;
        }
        for (Block m : norm == null ? new Block[] {conv} : new Block[] {conv, norm}) {
            for (StateEntry e : m.stateEntries().values()) {
                if (e.var().requiresGrad()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether batch norms fold on {@code backend}: the property, else the backend's preference. */
    static boolean folds(Backend backend) {
        String v = System.getProperty(FOLD_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto", "" -> backend.prefersFoldedBatchNorm();
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw new IllegalArgumentException("-D" + FOLD_PROPERTY + ": expected auto, true or false, got '"
                    + v + "'");
        };
    }
}
