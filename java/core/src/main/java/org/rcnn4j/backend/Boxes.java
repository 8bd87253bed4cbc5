package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Box ops and the detectors' box plumbing (torchvision.ops and models.detection's AnchorGenerator and
 * BoxCoder). Boxes are (x1, y1, x2, y2).
 * Reached as {@code backend.boxes()}; the conventions (ownership, dtypes, argument checks) are {@link Backend}'s.
 */
public interface Boxes {
    /** torchvision.ops.nms: indices kept, I64 [K], by decreasing score; suppress when IoU > iouThreshold. */
    Tensor nms(Tensor boxes, Tensor scores, float iouThreshold);

    /** torchvision.ops.batched_nms: NMS within each value of idxs; I64 [K] by decreasing score. */
    Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold);

    /** torchvision.ops.box_iou: F32 [N,M]. */
    Tensor boxIou(Tensor boxes1, Tensor boxes2);

    /** torchvision.ops.clip_boxes_to_image for boxes [..., 4]: x into [0,width], y into [0,height]. */
    Tensor clipBoxesToImage(Tensor boxes, int height, int width);

    /** torchvision.ops.remove_small_boxes: I64 indices of boxes with width and height &ge; minSize. */
    Tensor removeSmallBoxes(Tensor boxes, float minSize);

    /**
     * AnchorGenerator for one feature level: anchors [featureHeight*featureWidth*A, 4] ordered y, x, anchor,
     * with A = sizes.length * aspectRatios.length and stride = image size / feature size (integer division).
     */
    Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth);

    /**
     * AnchorGenerator over several feature levels in one call: level l's anchors ({@code sizes[l]}, map
     * featureHeights[l] x featureWidths[l], as {@link #anchors}) end to end, [sum of H*W*A, 4], as torchvision
     * concatenates them.
     */
    Tensor anchorsForLevels(int[][] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int[] featureHeights, int[] featureWidths);

    /** BoxCoder.decode_single: relCodes [K,4C] against boxes [K,4] gives [K,4C]; dw, dh clamped at bboxXformClip. */
    Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip);

    /** BoxCoder.encode_single: regression targets [K,4] of referenceBoxes (ground truth) against proposals. */
    Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights);
}
