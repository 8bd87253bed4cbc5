package org.rcnn4j.data;

import java.util.random.RandomGenerator;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Mirrors a sample left-right with probability p (torchvision detection reference's RandomHorizontalFlip): the
 * image and the instance masks are flipped along the width, and boxes become x1' = W - x2, x2' = W - x1 (pixel-edge
 * coordinates). Each call draws exactly one number from the generator, flipped or not, so the random stream does
 * not depend on p.
 */
public final class HorizontalFlip {
    private final double p;

    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    /** The sample flipped with probability p (a new Sample; the input is not changed), else the input itself. */
    public Sample apply(Sample s, RandomGenerator rng) {
        return rng.nextDouble() < p ? flip(s) : s;
    }

    /** The mirrored sample: fresh image, boxes and masks; the labels tensor is shared. */
    public static Sample flip(Sample s) {
        Tensor masks = s.masks() == null ? null : flipWidth(s.masks());
        return new Sample(flipWidth(s.image()), flipBoxes(s.boxes(), s.width()), s.labels(), masks);
    }

    /**
     * A host F32 or U8 tensor (an image [C, H, W], masks [N, H, W], a mask [H, W]) mirrored along its last
     * dimension, the width: a new tensor.
     */
    public static Tensor flipWidth(Tensor t) {
        int w = t.size(t.dim() - 1);
        return t.dtype() == DType.U8 ? flipBytes(t, w) : flipFloats(t, w);
    }

    private static Tensor flipFloats(Tensor t, int w) {
        float[] in = t.floats();
        float[] out = new float[in.length];
        for (int row = 0; row < in.length; row += w) {
            for (int x = 0; x < w; x++) {
                out[row + x] = in[row + w - 1 - x];
            }
        }
        return Tensor.ofFloats(out, t.shape());
    }

    private static Tensor flipBytes(Tensor t, int w) {
        byte[] in = t.bytes();
        byte[] out = new byte[in.length];
        for (int row = 0; row < in.length; row += w) {
            for (int x = 0; x < w; x++) {
                out[row + x] = in[row + w - 1 - x];
            }
        }
        return Tensor.ofBytes(out, t.shape());
    }

    /** Boxes (x1, y1, x2, y2), F32 [N, 4], of an image {@code w} wide, mirrored: x1' = w - x2, x2' = w - x1. */
    public static Tensor flipBoxes(Tensor boxes, int w) {
        float[] in = boxes.floats();
        float[] out = in.clone();
        for (int i = 0; i + 3 < in.length; i += 4) {
            out[i] = w - in[i + 2];
            out[i + 2] = w - in[i];
        }
        return Tensor.ofFloats(out, boxes.shape());
    }
}
