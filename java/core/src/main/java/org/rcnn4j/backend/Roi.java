package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * RoI pooling and mask pasting: roi_align, roi_pool and their input gradients, paste_masks_in_image (whole or in
 * windows). RoIs
 * for roi_align/roi_pool are [K,5] (batch index, x1, y1, x2, y2).
 * Reached as {@code backend.roi()}; the conventions (ownership, dtypes, argument checks) are {@link Backend}'s.
 */
public interface Roi {
    /** torchvision.ops.roi_align: input [N,C,H,W], boxes [K,5]; output [K,C,outputHeight,outputWidth]. */
    Tensor roiAlign(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned);

    /** Gradient of roi_align with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor roiAlignBackward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned);

    /** torchvision.ops.roi_pool: output [K,C,h,w] and argmax (I32, -1 for an empty bin). */
    RoiPoolResult roiPool(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale);

    /** Gradient of roi_pool with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor roiPoolBackward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape);

    /**
     * roi_heads.paste_masks_in_image: masks [K,1,M,M] resized into boxes [K,4] of an imageHeight x imageWidth
     * image, after padding each mask by {@code padding}; output [K,1,imageHeight,imageWidth], not thresholded.
     * A box whose expanded, truncated extent misses the image (torchvision 0.14 fails there), an inverted box and
     * a box with a non-finite coordinate give an all-zero mask.
     */
    Tensor pasteMasks(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding);

    /**
     * {@link #pasteMasks} with only one window of each mask made, so that the full [K,1,imageHeight,imageWidth]
     * never exists: {@code windows} holds 4 host ints per mask, x0, y0, x1, y1 (half-open, 0 &lt;= x0 &lt;= x1 &lt;=
     * imageWidth, 0 &lt;= y0 &lt;= y1 &lt;= imageHeight); the output F32 [sum of the windows' pixels] holds each
     * window's values of the full paste, bit for bit, row-major, one window after another. With the paste windows
     * ({@link PasteWindows#of}) the rest of each pasted mask is 0.
     */
    Tensor pasteMasksInWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding,
            int[] windows);
}
