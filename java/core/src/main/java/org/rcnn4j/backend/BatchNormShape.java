package org.rcnn4j.backend;

import java.util.Arrays;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * A checked per-channel problem (batch norm's pieces): input [N, C, ...] seen as [n, c, pixels] with pixels the
 * product of the dims after 1. Both backends check through here, so they reject the same arguments.
 */
public record BatchNormShape(int n, int c, long pixels) {

    private static BatchNormShape ofInput(Tensor input) {
        OpChecks.notNull("input", input);
        OpChecks.floating("input", input);
        int[] s = input.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("input: expected [N,C,...] with at least 2 dims, got "
                    + Shapes.format(s));
        }
        long pixels = Shapes.numel(Arrays.copyOfRange(s, 2, s.length));
        return new BatchNormShape(s[0], s[1], pixels);
    }

    /** channel_affine(input, scale, shift): scale and shift [C] or null, input's dtype. */
    public static BatchNormShape ofAffine(Tensor input, Tensor scale, Tensor shift) {
        BatchNormShape s = ofInput(input);
        if (scale != null) {
            OpChecks.vector("scale", scale, s.c());
            OpChecks.sameDType("scale", scale, "input", input);
        }
        if (shift != null) {
            OpChecks.vector("shift", shift, s.c());
            OpChecks.sameDType("shift", shift, "input", input);
        }
        return s;
    }

    /** channel_sum(input, other): other null or of input's shape and dtype. */
    public static BatchNormShape ofSum(Tensor input, Tensor other) {
        BatchNormShape s = ofInput(input);
        if (other != null) {
            OpChecks.sameDType("other", other, "input", input);
            if (!Arrays.equals(other.shape(), input.shape())) {
                throw new IllegalArgumentException("other: expected input's shape " + Shapes.format(input.shape())
                        + ", got " + Shapes.format(other.shape()));
            }
        }
        return s;
    }
}
