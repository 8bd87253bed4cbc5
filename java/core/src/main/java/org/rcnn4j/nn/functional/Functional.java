package org.rcnn4j.nn.functional;

import java.util.Arrays;
import java.util.function.Supplier;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.MaxPool;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Differentiable layers (torch.nn.functional / torchvision.ops names). Every one runs forward and backward
 * through the Var's {@link Backend}: conv2d and conv_transpose2d on {@link Backend#conv()}, linear on
 * {@link Backend#linalg()}, roi_align and roi_pool on {@link Backend#roi()}, channel_affine, batch_norm and
 * upsample_nearest on {@link Backend#channels()}, max_pool2d on {@link Backend#maxPool()}.
 */
public final class Functional {
    private Functional() {
    }

    /** F.conv2d(input, weight, bias, ...); bias may be null. */
    public static Var conv2d(Var input, Var weight, Var bias, Conv2dParams params) {
        Backend b = input.backend();
        Tensor out = b.conv().conv2d(input.value(), weight.value(), bias == null ? null : bias.value(), params);
        Var[] ins = bias == null ? new Var[] {input, weight} : new Var[] {input, weight, bias};
        return Autograd.record("conv2d", b, out, g -> {
            if (!input.requiresGrad()) {
                // a network's first layer, fed the images: their gradient (a GEMM as costly as the weight
                // gradient) would only be dropped
                return linearOpGrads(b, g, input, weight, bias, () -> null,
                        () -> b.conv().conv2dGradWeight(g, input.value(), weight.shape(), params));
            }
            Conv2dGrads gr = b.conv().conv2dBackward(g, input.value(), weight.value(), params, bias != null);
            return bias == null ? new Tensor[] {gr.gradInput(), gr.gradWeight()}
                    : new Tensor[] {gr.gradInput(), gr.gradWeight(), gr.gradBias()};
        }, ins);
    }

    /**
     * The gradients of an op linear in its input and in its weight, plus a per-channel bias (convolutions,
     * channel_affine), for the inputs that want one: input, weight and, if given, bias (dY summed per channel);
     * what was made is closed when a later one fails.
     */
    private static Tensor[] linearOpGrads(Backend b, Tensor g, Var input, Var weight, Var bias,
            Supplier<Tensor> inputGrad, Supplier<Tensor> weightGrad) {
        Tensor[] r = new Tensor[bias == null ? 2 : 3];
        try {
            r[0] = input.requiresGrad() ? inputGrad.get() : null;
            r[1] = weight.requiresGrad() ? weightGrad.get() : null;
            if (bias != null && bias.requiresGrad()) {
                r[2] = b.channels().channelSum(g, null);
            }
            return r;
        } catch (RuntimeException e) {
            closeAll(r);
            throw e;
        }
    }

    /** F.linear: input [M,K], weight [N,K], bias [N] or null; output input . weight^T + bias, [M,N]. */
    public static Var linear(Var input, Var weight, Var bias) {
        Backend b = input.backend();
        if (input.value().dim() != 2 || weight.value().dim() != 2) {
            throw new IllegalArgumentException("linear: input must be [M,K] and weight [N,K], got " + input.value()
                    + " and " + weight.value());
        }
        int n = weight.shape()[0];
        int m = input.shape()[0];
        if (bias != null && !Arrays.equals(bias.shape(), new int[] {n})) {
            throw new IllegalArgumentException("linear: bias must be [" + n + "], got " + bias.value());
        }
        // one call where the Linalg family takes the bias in its GEMM (cuBLAS); else the GEMM, then the bias
        Tensor fused = bias == null ? null : b.linalg().linearWithBias(input.value(), weight.value(), bias.value())
                .orElse(null);
        Tensor out = fused != null ? fused : b.linalg().matmul(input.value(), weight.value(), false, true);
        // F32 adds the bias as a rank-1 GEMM (ones[M,1] . bias[1,N]) and sums its gradient as another; F64 as a
        // per-column affine map and per-column sums (the same double arithmetic as a plain loop)
        boolean f32 = out.dtype() == DType.F32;
        if (bias != null && fused == null) {
            Tensor withBias;
            try {
                if (f32) {
                    try (Tensor ones = Values.full(b, out.dtype(), 1.0, m, 1);
                            Tensor rows = b.linalg().matmul(ones, bias.value().reshape(1, n), false, false)) {
                        withBias = b.elementwise().axpby(out, rows, 1.0, 1.0);
                    }
                } else {
                    withBias = b.channels().channelAffine(out, null, bias.value());
                }
            } finally {
                out.close();
            }
            out = withBias;
        }
        Var[] ins = bias == null ? new Var[] {input, weight} : new Var[] {input, weight, bias};
        return Autograd.record("linear", b, out, g -> {
            Tensor[] r = new Tensor[ins.length];
            try {
                r[0] = input.requiresGrad() ? b.linalg().matmul(g, weight.value(), false, false) : null;
                r[1] = weight.requiresGrad() ? b.linalg().matmul(g, input.value(), true, false) : null;
                if (bias != null && bias.requiresGrad() && f32) {
                    try (Tensor ones = Values.full(b, g.dtype(), 1.0, m, 1);
                            Tensor row = b.linalg().matmul(ones, g, true, false)) {
                        r[2] = Values.copy(b, row, n);
                    }
                } else if (bias != null && bias.requiresGrad()) {
                    r[2] = b.channels().channelSum(g, null);
                }
                return r;
            } catch (RuntimeException e) {
                closeAll(r);
                throw e;
            }
        }, ins);
    }

    /** torchvision.ops.roi_align; rois [K,5] (batch index, x1, y1, x2, y2) get no gradient. */
    public static Var roiAlign(Var input, Var rois, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
        Backend b = input.backend();
        int[] inShape = input.shape();
        Tensor out = b.roi().roiAlign(input.value(), rois.value(), outputHeight, outputWidth, spatialScale,
                samplingRatio, aligned);
        return Autograd.record("roi_align", b, out, g -> new Tensor[] {b.roi().roiAlignBackward(g, rois.value(),
                inShape, spatialScale, samplingRatio, aligned), null}, new Var[] {input, rois});
    }

    /** torchvision.ops.roi_pool; the argmax is kept (on the backend) for backward. */
    public static Var roiPool(Var input, Var rois, int outputHeight, int outputWidth, float spatialScale) {
        Backend b = input.backend();
        int[] inShape = input.shape();
        RoiPoolResult r = b.roi().roiPool(input.value(), rois.value(), outputHeight, outputWidth, spatialScale);
        Var argmax = Var.of(b, r.argmax());
        return Autograd.record("roi_pool", b, r.output(), g -> new Tensor[] {b.roi().roiPoolBackward(g, rois.value(),
                argmax.value(), inShape), null}, new Var[] {input, rois}, argmax);
    }

    /** F.max_pool2d(input [N,C,H,W], kernel, stride, padding) (dilation 1, floor mode). */
    public static Var maxPool2d(Var input, int kernel, int stride, int padding) {
        TensorMath.checkFloat("max_pool2d", "input", input);
        int[] s = input.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("max_pool2d: input must be [N,C,H,W], got " + input.value());
        }
        if (kernel < 1 || stride < 1 || padding < 0 || padding * 2 > kernel) {
            throw new IllegalArgumentException("max_pool2d: need kernel_size >= 1, stride >= 1 and 0 <= padding <= "
                    + "kernel_size/2, got " + kernel + ", " + stride + ", " + padding);
        }
        int oh = MaxPool.outSize(s[2], kernel, stride, padding);
        int ow = MaxPool.outSize(s[3], kernel, stride, padding);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("max_pool2d: output would be empty for input " + input.value());
        }
        Backend b = input.backend();
        MaxPool.Pooled r = b.maxPool().maxPool2d(input.value(), kernel, stride, padding);
        Var argmax = Var.of(b, r.argmax()); // kept until backward has run
        return Autograd.record("max_pool2d", b, r.output(), g -> new Tensor[] {b.maxPool().maxPool2dBackward(g,
                argmax.value(), s, kernel, stride, padding)}, new Var[] {input}, argmax);
    }

    /**
     * input [N,C,...] * scale[c] + shift[c] (FrozenBatchNorm2d, eval batch norm); scale and shift [C] of input's
     * dtype, shift may be null. Gradients for all three: d input = g * scale[c], d scale = sum of g * input per
     * channel, d shift = sum of g per channel.
     */
    public static Var channelAffine(Var input, Var scale, Var shift) {
        if (scale == null) {
            throw new IllegalArgumentException("channel_affine: scale: required, got null");
        }
        Backend b = input.backend();
        Tensor out = b.channels().channelAffine(input.value(), scale.value(), shift == null ? null : shift.value());
        Var[] ins = shift == null ? new Var[] {input, scale} : new Var[] {input, scale, shift};
        return Autograd.record("channel_affine", b, out, g -> linearOpGrads(b, g, input, scale, shift,
                () -> b.channels().channelAffine(g, scale.value(), null), () -> b.channels().channelSum(g,
                input.value())), ins);
    }

    /** F.interpolate(input [N,C,H,W], size=(outputHeight, outputWidth), mode='nearest'), torch's index rule. */
    public static Var upsampleNearest(Var input, int outputHeight, int outputWidth) {
        Backend b = input.backend();
        int[] inShape = input.shape();
        Tensor out = b.channels().upsampleNearest(input.value(), outputHeight, outputWidth);
        return Autograd.record("upsample_nearest", b, out, g -> new Tensor[] {b.channels().upsampleNearestBackward(g,
                inShape)}, new Var[] {input});
    }

    /**
     * F.conv_transpose2d(input [N,in,H,W], weight [in, out/groups, kH, kW], bias [out] or null, stride, padding,
     * output_padding, groups, dilation) with the same value on both axes; output [N, out, OH, OW] with
     * OH = (H-1)*stride - 2*padding + dilation*(kH-1) + output_padding + 1. Runs as conv2d's input gradient; its
     * backward is conv2d (d input) and conv2d's weight gradient. output_padding must be smaller than stride (torch
     * also allows output_padding &lt; dilation; that case is not supported).
     */
    public static Var convTranspose2d(Var input, Var weight, Var bias, int stride, int padding, int outputPadding,
            int dilation, int groups) {
        Backend b = input.backend();
        Tensor x = input.value();
        Tensor w = weight.value();
        if (x.dim() != 4 || w.dim() != 4) {
            throw new IllegalArgumentException("conv_transpose2d: input must be [N,C,H,W] and weight [C,out/groups,kH,"
                    + "kW], got " + x + " and " + w);
        }
        if (groups < 1 || w.size(0) != x.size(1) || x.size(1) % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: weight: expected weight.size(0) = input channels "
                    + x.size(1) + " divisible by groups " + groups + ", got weight " + w);
        }
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("conv_transpose2d: output_padding: must be >= 0 and smaller than stride "
                    + stride + ", got " + outputPadding);
        }
        Conv2dParams params = Conv2dParams.of(stride, padding, dilation, groups);
        int oh = (x.size(2) - 1) * stride - 2 * padding + dilation * (w.size(2) - 1) + outputPadding + 1;
        int ow = (x.size(3) - 1) * stride - 2 * padding + dilation * (w.size(3) - 1) + outputPadding + 1;
        int outChannels = w.size(1) * groups;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv_transpose2d: output size would be " + oh + "x" + ow + " for input "
                    + x + ", weight " + w + ", stride " + stride + ", padding " + padding);
        }
        if (bias != null && !Arrays.equals(bias.shape(), new int[] {outChannels})) {
            throw new IllegalArgumentException("conv_transpose2d: bias: expected shape [" + outChannels + "], got "
                    + bias.value());
        }
        int[] outShape = {x.size(0), outChannels, oh, ow};
        Tensor out = b.conv().conv2dGradInput(x, w, outShape, params);
        if (bias != null) {
            try {
                Tensor withBias = b.channels().channelAffine(out, null, bias.value());
                out.close();
                out = withBias;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
        int[] weightShape = weight.shape();
        Var[] ins = bias == null ? new Var[] {input, weight} : new Var[] {input, weight, bias};
        return Autograd.record("conv_transpose2d", b, out, g -> linearOpGrads(b, g, input, weight, bias,
                () -> b.conv().conv2d(g, weight.value(), null, params),
                () -> b.conv().conv2dGradWeight(input.value(), g, weightShape, params)), ins);
    }

    /**
     * F.batch_norm(input [N,C,...], running_mean, running_var, weight, bias, training, momentum, eps); weight and
     * bias [C] or null. Training normalizes with the batch statistics (biased variance) and, when given, updates the
     * running statistics in place (unbiased variance, new = (1 - momentum) * old + momentum * batch); eval mode
     * uses the running statistics (required) and is a {@link #channelAffine}. Gradients for input, weight, bias.
     */
    public static Var batchNorm2d(Var input, Var weight, Var bias, Tensor runningMean, Tensor runningVar,
            boolean training, double momentum, double eps) {
        return BatchNormFunction.apply(input, weight, bias, runningMean, runningVar, training, momentum, eps);
    }

    static void closeAll(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t != null) {
                t.close();
            }
        }
    }
}
