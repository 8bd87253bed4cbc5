package org.rcnn4j.detection;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * GeneralizedRCNNTransform.postprocess: boxes scaled from the resized image back to the original (float32
 * ratios original / resized per axis), masks pasted into the original image as probabilities (thresholding, e.g.
 * at 0.5, is the caller's).
 */
public final class TransformPostprocess {
    private TransformPostprocess() {
    }

    /** resize_boxes: boxes [D,4] from resizedSize (height, width) to originalSize. */
    public static Tensor resizeBoxes(Backend backend, Tensor boxes, int[] resizedSize, int[] originalSize) {
        Host.rowsOf(boxes, "boxes");
        float rh = (float) originalSize[0] / (float) resizedSize[0];
        float rw = (float) originalSize[1] / (float) resizedSize[1];
        return backend.select().scaleBoxes(boxes, rw, rh);
    }

    /** paste_masks_in_image(masks [D,1,M,M], boxes in original coordinates [D,4], originalSize, padding 1). */
    public static Tensor pasteMasks(Backend backend, Tensor masks, Tensor boxesInOriginal, int[] originalSize) {
        return backend.roi().pasteMasks(masks, boxesInOriginal, originalSize[0], originalSize[1], 1);
    }
}
