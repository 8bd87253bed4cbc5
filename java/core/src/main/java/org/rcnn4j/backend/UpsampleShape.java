package org.rcnn4j.backend;

import java.util.Arrays;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** A checked nearest-upsampling problem: input [n,c,h,w] to output [n,c,oh,ow] (F.interpolate, mode='nearest'). */
public record UpsampleShape(int n, int c, int h, int w, int oh, int ow) {

    public int planes() {
        return n * c;
    }

    public int[] outputShape() {
        return new int[] {n, c, oh, ow};
    }

    public static UpsampleShape of(Tensor input, int outputHeight, int outputWidth) {
        OpChecks.dims("input", input, 4, "[N,C,H,W]");
        OpChecks.floating("input", input);
        return ofShapes(input.shape(), outputHeight, outputWidth);
    }

    /** gradOutput [N,C,oh,ow] for an input of shape inputShape [N,C,H,W]. */
    public static UpsampleShape ofBackward(Tensor gradOutput, int[] inputShape) {
        OpChecks.dims("grad_output", gradOutput, 4, "[N,C,OH,OW]");
        OpChecks.floating("grad_output", gradOutput);
        UpsampleShape s = ofShapes(inputShape, gradOutput.size(2), gradOutput.size(3));
        if (!Arrays.equals(gradOutput.shape(), s.outputShape())) {
            throw new IllegalArgumentException("grad_output: expected shape [" + s.n + "," + s.c + ",OH,OW] for input "
                    + Shapes.format(inputShape) + ", got " + Shapes.format(gradOutput.shape()));
        }
        return s;
    }

    private static UpsampleShape ofShapes(int[] in, int outputHeight, int outputWidth) {
        OpChecks.nchw("input", in);
        if (in[2] < 1 || in[3] < 1) {
            throw new IllegalArgumentException("input: spatial extents must be positive, got " + Shapes.format(in));
        }
        if (outputHeight < 1 || outputWidth < 1) {
            throw new IllegalArgumentException("size: output extents must be positive, got " + outputHeight + "x"
                    + outputWidth);
        }
        Shapes.numel(in[0], in[1], outputHeight, outputWidth);
        return new UpsampleShape(in[0], in[1], in[2], in[3], outputHeight, outputWidth);
    }

    /**
     * torch's nearest source index along one axis for each output index: min(floor(dst * scale), in - 1) with
     * scale = (float) in / out and the product taken in float, as torch (and cuda/upsample.cu) computes it.
     */
    public static int[] nearestSource(int in, int out) {
        float scale = (float) in / out;
        int[] src = new int[out];
        for (int d = 0; d < out; d++) {
            src[d] = Math.min((int) Math.floor((float) d * scale), in - 1);
        }
        return src;
    }
}
