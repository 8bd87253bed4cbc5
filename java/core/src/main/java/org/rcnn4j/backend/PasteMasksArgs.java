package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * The argument checks of {@link Roi#pasteMasks} and {@link Roi#pasteMasksInWindows}, shared by both backends
 * (shapes and dtypes only, so device tensors are checked without a copy).
 */
public final class PasteMasksArgs {
    private PasteMasksArgs() {
    }

    /** Throws IllegalArgumentException naming the first bad argument. */
    public static void check(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        checkInputs(masks, boxes, imageHeight, imageWidth, padding);
        // the output [K,1,H,W] must be addressable (Shapes.numel rejects more than 2^31-1 elements)
        Shapes.numel(masks.size(0), 1, imageHeight, imageWidth);
    }

    /**
     * The checks of {@link Roi#pasteMasksInWindows}: those of {@link #check} but for the full output's size, and the
     * windows'; returns the output's length (the windows' pixels together).
     */
    public static int checkWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding,
            int[] windows) {
        checkInputs(masks, boxes, imageHeight, imageWidth, padding);
        return PasteWindows.checkedTotal(windows, masks.size(0), imageHeight, imageWidth);
    }

    private static void checkInputs(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        OpChecks.notNull("masks", masks);
        int[] s = masks.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != s[3] || s[2] < 1) {
            throw new IllegalArgumentException("masks: expected shape [K,1,M,M] with M >= 1, got "
                    + Shapes.format(s));
        }
        OpChecks.dtype("masks", masks, DType.F32);
        OpChecks.rows("boxes", boxes, 4);
        OpChecks.dtype("boxes", boxes, DType.F32);
        if (boxes.size(0) != s[0]) {
            throw new IllegalArgumentException("boxes: expected shape [" + s[0] + ",4] (one box per mask), got "
                    + Shapes.format(boxes.shape()));
        }
        OpChecks.nonNegative("img_shape[0] (imageHeight)", imageHeight);
        OpChecks.nonNegative("img_shape[1] (imageWidth)", imageWidth);
        OpChecks.nonNegative("padding", padding);
    }
}
