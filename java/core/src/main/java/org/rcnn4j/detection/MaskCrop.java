package org.rcnn4j.detection;

import java.util.Arrays;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * One detection's mask kept at its paste window: the pixels [y0, y1) x [x0, x1) of an imageHeight x imageWidth
 * image where torchvision's paste writes it (the box expanded, truncated and clipped to the image), with the pasted
 * values there as a host tensor [y1 - y0, x1 - x0], row-major: U8 0/1 (binary masks) or F32 probabilities. The
 * full-size mask is these values inside the window and 0 everywhere else, bit for bit; a mask that pastes nothing
 * has an empty window (0, 0, 0, 0). Made by {@link GeneralizedRcnn#detect(java.util.List, MaskOutput)} for a
 * {@link MaskOutput#asCrops()} output, so that a large photo's masks never exist at full size.
 */
public record MaskCrop(int imageHeight, int imageWidth, int x0, int y0, int x1, int y1, Tensor values) {
    public MaskCrop {
        if (imageHeight < 0 || imageWidth < 0) {
            throw new IllegalArgumentException("imageHeight, imageWidth: expected >= 0, got " + imageHeight + ", "
                    + imageWidth);
        }
        if (x0 < 0 || x0 > x1 || x1 > imageWidth || y0 < 0 || y0 > y1 || y1 > imageHeight) {
            throw new IllegalArgumentException("window (x0, y0, x1, y1) = (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") is not inside the " + imageWidth + "x" + imageHeight + " image");
        }
        if (values == null || (values.dtype() != DType.U8 && values.dtype() != DType.F32)
                || !Arrays.equals(values.shape(), new int[] {y1 - y0, x1 - x0})) {
            throw new IllegalArgumentException("values: expected U8 or F32 [" + (y1 - y0) + ", " + (x1 - x0)
                    + "], got " + (values == null ? "null" : values.dtype() + " " + Arrays.toString(values.shape())));
        }
    }

    /** The window's width, x1 - x0. */
    public int width() {
        return x1 - x0;
    }

    /** The window's height, y1 - y0. */
    public int height() {
        return y1 - y0;
    }

    /** Whether the values are binary (U8 0/1) rather than probabilities (F32). */
    public boolean binary() {
        return values.dtype() == DType.U8;
    }
}
