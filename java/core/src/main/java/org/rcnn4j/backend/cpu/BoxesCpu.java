package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Boxes;
import org.rcnn4j.tensor.Tensor;

/** The Boxes family on the CPU: delegates to NmsCpu, BoxOpsCpu, AnchorsCpu and BoxCoderCpu. */
final class BoxesCpu implements Boxes {
    @Override
    public Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) {
        return NmsCpu.nms(boxes, scores, iouThreshold);
    }

    @Override
    public Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) {
        return NmsCpu.batchedNms(boxes, scores, idxs, iouThreshold);
    }

    @Override
    public Tensor boxIou(Tensor boxes1, Tensor boxes2) {
        return BoxOpsCpu.boxIou(boxes1, boxes2);
    }

    @Override
    public Tensor clipBoxesToImage(Tensor boxes, int height, int width) {
        return BoxOpsCpu.clipBoxesToImage(boxes, height, width);
    }

    @Override
    public Tensor removeSmallBoxes(Tensor boxes, float minSize) {
        return BoxOpsCpu.removeSmallBoxes(boxes, minSize);
    }

    @Override
    public Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        return AnchorsCpu.anchors(sizes, aspectRatios, imageHeight, imageWidth, featureHeight, featureWidth);
    }

    @Override
    public Tensor anchorsForLevels(int[][] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int[] featureHeights, int[] featureWidths) {
        return AnchorsCpu.anchorsForLevels(sizes, aspectRatios, imageHeight, imageWidth, featureHeights,
                featureWidths);
    }

    @Override
    public Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        return BoxCoderCpu.decode(relCodes, boxes, weights, bboxXformClip);
    }

    @Override
    public Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        return BoxCoderCpu.encode(referenceBoxes, proposals, weights);
    }
}
