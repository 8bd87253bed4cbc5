package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.tensor.Tensor;

/**
 * What a detector finds in one image, in that image's original pixels, host tensors sorted by descending score:
 * boxes F32 [D, 4] (x1, y1, x2, y2), scores F32 [D], labels I64 [D], and for Mask R-CNN masks F32 [D, 1, H, W]
 * (probabilities pasted into the image; threshold at 0.5 for binary masks) or, when binary masks were asked for
 * ({@link MaskOutput}), U8 [D, 1, H, W] (1 inside), else null. When cropped masks were asked for
 * ({@link MaskOutput#asCrops()}), masks is null and crops holds each detection's mask at its paste window, in the
 * detections' order; else crops is null.
 */
public record ImageDetections(Tensor boxes, Tensor scores, Tensor labels, Tensor masks, List<MaskCrop> crops) {
    public ImageDetections {
        crops = crops == null ? null : List.copyOf(crops);
    }

    /** Detections with full-size masks (or none): crops null. */
    public ImageDetections(Tensor boxes, Tensor scores, Tensor labels, Tensor masks) {
        this(boxes, scores, labels, masks, null);
    }

    public int count() {
        return scores.numel();
    }

    /** Whether there are masks, full-size or cropped. */
    public boolean hasMasks() {
        return masks != null || crops != null;
    }
}
