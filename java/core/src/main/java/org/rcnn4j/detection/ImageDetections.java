package org.rcnn4j.detection;

import org.rcnn4j.tensor.Tensor;

/**
 * What a detector finds in one image, in that image's original pixels, host tensors sorted by descending score:
 * boxes F32 [D, 4] (x1, y1, x2, y2), scores F32 [D], labels I64 [D], and for Mask R-CNN masks F32 [D, 1, H, W]
 * (probabilities pasted into the image; threshold at 0.5 for binary masks) or, when binary masks were asked for
 * ({@link MaskOutput}), U8 [D, 1, H, W] (1 inside), else null.
 */
public record ImageDetections(Tensor boxes, Tensor scores, Tensor labels, Tensor masks) {
    public int count() {
        return scores.numel();
    }
}
