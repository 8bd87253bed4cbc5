package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.Tensor;

/**
 * The pure-Java backend: runs everywhere, uses every core (the common fork-join pool), and is the reference
 * that every CUDA kernel is tested against. Each op lives in the class named after its kernel family.
 */
public final class CpuBackend implements Backend {
    private final SelectCpu select = new SelectCpu();

    @Override
    public org.rcnn4j.backend.Select select() {
        return select;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Tensor toDevice(Tensor host) {
        return host;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return tensor;
    }

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
    public Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        return BoxCoderCpu.decode(relCodes, boxes, weights, bboxXformClip);
    }

    @Override
    public Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        return BoxCoderCpu.encode(referenceBoxes, proposals, weights);
    }

    @Override
    public Tensor roiAlign(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
        return RoiAlignCpu.forward(input, boxes, outputHeight, outputWidth, spatialScale, samplingRatio, aligned);
    }

    @Override
    public Tensor roiAlignBackward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned) {
        return RoiAlignCpu.backward(gradOutput, boxes, inputShape, spatialScale, samplingRatio, aligned);
    }

    @Override
    public RoiPoolResult roiPool(Tensor input, Tensor boxes, int outputHeight, int outputWidth,
            float spatialScale) {
        return RoiPoolCpu.forward(input, boxes, outputHeight, outputWidth, spatialScale);
    }

    @Override
    public Tensor roiPoolBackward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) {
        return RoiPoolCpu.backward(gradOutput, boxes, argmax, inputShape);
    }

    @Override
    public Tensor pasteMasks(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        return PasteMasksCpu.paste(masks, boxes, imageHeight, imageWidth, padding);
    }

    @Override
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return Conv2dCpu.forward(input, weight, bias, params);
    }

    @Override
    public Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias) {
        return Conv2dCpu.backward(gradOutput, input, weight, params, withBias);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return GemmCpu.matmul(a, b, transposeA, transposeB);
    }

    @Override
    public Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        return Conv2dCpu.gradInput(gradOutput, weight, inputShape, params);
    }

    @Override
    public Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        return Conv2dCpu.gradWeight(gradOutput, input, weightShape, params);
    }

    @Override
    public Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        return BatchNormCpu.channelAffine(input, scale, shift);
    }

    @Override
    public Tensor channelSum(Tensor input, Tensor other) {
        return BatchNormCpu.channelSum(input, other);
    }

    @Override
    public Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth) {
        return UpsampleCpu.nearest(input, outputHeight, outputWidth);
    }

    @Override
    public Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape) {
        return UpsampleCpu.nearestBackward(gradOutput, inputShape);
    }
}
