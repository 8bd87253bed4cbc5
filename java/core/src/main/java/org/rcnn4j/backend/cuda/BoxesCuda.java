package org.rcnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.backend.Boxes;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/**
 * The Boxes family on a CUDA device: delegates to NmsCuda, BoxOpsCuda, AnchorsCuda and BoxCoderCuda, one per
 * kernel file.
 */
final class BoxesCuda implements Boxes {
    private final AnchorsCuda anchors;
    private final BoxCoderCuda boxCoder;
    private final BoxOpsCuda boxOps;
    private final NmsCuda nms;
    private final SelectCuda select;

    BoxesCuda(CudaDevice device) {
        this.select = new SelectCuda(device);
        this.anchors = new AnchorsCuda(device);
        this.boxCoder = new BoxCoderCuda(device);
        this.boxOps = new BoxOpsCuda(device);
        this.nms = new NmsCuda(device);
    }

    @Override
    public Tensor nms(Tensor boxes, Tensor scores, float iouThreshold) {
        return nms.nms(boxes, scores, iouThreshold);
    }

    @Override
    public Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold) {
        return nms.batchedNms(boxes, scores, idxs, iouThreshold);
    }

    @Override
    public Tensor boxIou(Tensor boxes1, Tensor boxes2) {
        return boxOps.boxIou(boxes1, boxes2);
    }

    @Override
    public Tensor clipBoxesToImage(Tensor boxes, int height, int width) {
        return boxOps.clipBoxesToImage(boxes, height, width);
    }

    @Override
    public Tensor removeSmallBoxes(Tensor boxes, float minSize) {
        return boxOps.removeSmallBoxes(boxes, minSize);
    }

    @Override
    public Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        return anchors.anchors(sizes, aspectRatios, imageHeight, imageWidth, featureHeight, featureWidth);
    }

    /** Each level on the device (cuda/anchors.cu), then copied end to end. */
    @Override
    public Tensor anchorsForLevels(int[][] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int[] featureHeights, int[] featureWidths) {
        BoxChecks.anchorsForLevels(sizes, aspectRatios, imageHeight, imageWidth, featureHeights, featureWidths);
        List<Tensor> levels = new ArrayList<>(sizes.length);
        try {
            for (int l = 0; l < sizes.length; l++) {
                levels.add(anchors(sizes[l], aspectRatios, imageHeight, imageWidth, featureHeights[l],
                        featureWidths[l]));
            }
            return select.catRows(levels);
        } finally {
            levels.forEach(Tensor::close);
        }
    }

    @Override
    public Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        return boxCoder.decode(relCodes, boxes, weights, bboxXformClip);
    }

    @Override
    public Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        return boxCoder.encode(referenceBoxes, proposals, weights);
    }
}
