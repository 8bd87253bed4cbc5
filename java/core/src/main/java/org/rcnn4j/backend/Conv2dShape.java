package org.rcnn4j.backend;

import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * A checked conv2d problem (torch.nn.functional.conv2d semantics, NCHW): input [n,c,h,w], weight
 * [o, c/groups, kh, kw], output [n, o, oh, ow]. Both backends build one before touching data, so both reject the
 * same bad arguments with the same messages.
 */
public record Conv2dShape(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dParams params) {

    public int groups() {
        return params.groups();
    }

    /** Input channels per group. */
    public int cg() {
        return c / params.groups();
    }

    /** Output channels per group. */
    public int og() {
        return o / params.groups();
    }

    /** Rows of a group's im2col matrix: (c/groups)*kh*kw. */
    public int kc() {
        return cg() * kh * kw;
    }

    /** Output pixels per image. */
    public int p() {
        return oh * ow;
    }

    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    public int[] weightShape() {
        return new int[] {o, cg(), kh, kw};
    }

    public int[] outputShape() {
        return new int[] {n, o, oh, ow};
    }

    /** 1x1, stride 1, no padding: the im2col matrix is the input itself. */
    public boolean pointwise() {
        return kh == 1 && kw == 1 && params.strideH() == 1 && params.strideW() == 1 && params.padH() == 0
                && params.padW() == 0;
    }

    /** Checks conv2d's arguments; bias may be null. */
    public static Conv2dShape of(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        OpChecks.notNull("params", params);
        OpChecks.dims("input", input, 4, "[N,C,H,W]");
        OpChecks.floating("input", input);
        OpChecks.dims("weight", weight, 4, "[O,C/groups,kh,kw]");
        OpChecks.sameDType("weight", weight, "input", input);
        if (bias != null) {
            OpChecks.vector("bias", bias, weight.size(0));
            OpChecks.sameDType("bias", bias, "input", input);
        }
        return ofShapes(input.shape(), weight.shape(), params);
    }

    /**
     * Checks conv2d's geometry from shapes alone: input [N,C,H,W] and weight [O,C/groups,kh,kw] (conv2d's input
     * gradient, and so conv_transpose2d, knows the input only by its shape).
     */
    public static Conv2dShape ofShapes(int[] inputShape, int[] weightShape, Conv2dParams params) {
        OpChecks.notNull("params", params);
        OpChecks.nchw("input", inputShape);
        if (weightShape.length != 4) {
            throw new IllegalArgumentException("weight: expected 4 dims [O,C/groups,kh,kw], got "
                    + Shapes.format(weightShape));
        }
        int g = params.groups();
        int n = inputShape[0];
        int c = inputShape[1];
        int h = inputShape[2];
        int w = inputShape[3];
        int o = weightShape[0];
        int kh = weightShape[2];
        int kw = weightShape[3];
        if (c % g != 0) {
            throw new IllegalArgumentException("groups: " + g + " does not divide the input channels " + c
                    + " (input " + Shapes.format(inputShape) + ")");
        }
        if (o % g != 0) {
            throw new IllegalArgumentException("groups: " + g + " does not divide the output channels " + o
                    + " (weight " + Shapes.format(weightShape) + ")");
        }
        if (weightShape[1] * g != c) {
            throw new IllegalArgumentException("input: expected weight.size(1)*groups = " + weightShape[1] + "*" + g
                    + " = " + weightShape[1] * g + " channels, got " + c + " (input " + Shapes.format(inputShape)
                    + ", weight " + Shapes.format(weightShape) + ")");
        }
        if (kh < 1 || kw < 1 || o < 1) {
            throw new IllegalArgumentException("weight: expected positive out channels and kernel extents, got "
                    + Shapes.format(weightShape));
        }
        int oh = Conv2dParams.outputSize(h, kh, params.strideH(), params.padH(), params.dilationH());
        int ow = Conv2dParams.outputSize(w, kw, params.strideW(), params.padW(), params.dilationW());
        long effH = h + 2L * params.padH() - (long) params.dilationH() * (kh - 1) - 1;
        long effW = w + 2L * params.padW() - (long) params.dilationW() * (kw - 1) - 1;
        if (effH < 0 || effW < 0 || oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("input: spatial size " + h + "x" + w + " with padding " + params.padH()
                    + "," + params.padW() + " is smaller than the dilated kernel " + (params.dilationH() * (kh - 1) + 1)
                    + "x" + (params.dilationW() * (kw - 1) + 1) + ": output size would be " + (effH < 0 ? 0 : oh)
                    + "x" + (effW < 0 ? 0 : ow));
        }
        Shapes.numel(n, o, oh, ow);
        return new Conv2dShape(n, c, h, w, o, kh, kw, oh, ow, params);
    }

    /** Checks conv2d_backward's arguments: gradOutput must have conv2d(input, weight)'s output shape. */
    public static Conv2dShape ofBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        Conv2dShape s = of(input, weight, null, params);
        OpChecks.dims("grad_output", gradOutput, 4, Shapes.format(s.outputShape()));
        OpChecks.sameDType("grad_output", gradOutput, "input", input);
        if (!java.util.Arrays.equals(gradOutput.shape(), s.outputShape())) {
            throw new IllegalArgumentException("grad_output: expected shape " + Shapes.format(s.outputShape())
                    + ", got " + Shapes.format(gradOutput.shape()));
        }
        return s;
    }

    /**
     * Checks the arguments of conv2d's input gradient alone: the input known by its shape, gradOutput with
     * conv2d(input, weight)'s output shape and weight's dtype.
     */
    public static Conv2dShape ofGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        OpChecks.dims("grad_output", gradOutput, 4, "[N,O,OH,OW]");
        OpChecks.floating("grad_output", gradOutput);
        OpChecks.dims("weight", weight, 4, "[O,C/groups,kh,kw]");
        OpChecks.sameDType("weight", weight, "grad_output", gradOutput);
        Conv2dShape s = ofShapes(inputShape, weight.shape(), params);
        checkOutput(gradOutput, s);
        return s;
    }

    /** Checks the arguments of conv2d's weight gradient alone: the weight known by its shape. */
    public static Conv2dShape ofGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        OpChecks.dims("grad_output", gradOutput, 4, "[N,O,OH,OW]");
        OpChecks.floating("grad_output", gradOutput);
        OpChecks.dims("input", input, 4, "[N,C,H,W]");
        OpChecks.sameDType("input", input, "grad_output", gradOutput);
        Conv2dShape s = ofShapes(input.shape(), weightShape, params);
        checkOutput(gradOutput, s);
        return s;
    }

    private static void checkOutput(Tensor gradOutput, Conv2dShape s) {
        if (!java.util.Arrays.equals(gradOutput.shape(), s.outputShape())) {
            throw new IllegalArgumentException("grad_output: expected shape " + Shapes.format(s.outputShape())
                    + ", got " + Shapes.format(gradOutput.shape()));
        }
    }
}
