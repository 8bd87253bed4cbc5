package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Roi;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.Tensor;

/** The Roi family on the CPU: delegates to RoiAlignCpu, RoiPoolCpu and PasteMasksCpu. */
final class RoiCpu implements Roi {
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
    public Tensor pasteMasksInWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding,
            int[] windows) {
        return PasteMasksCpu.pasteInWindows(masks, boxes, imageHeight, imageWidth, padding, windows);
    }
}
