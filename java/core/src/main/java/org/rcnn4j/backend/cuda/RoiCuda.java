package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Roi;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** The Roi family on a CUDA device: delegates to RoiAlignCuda, RoiPoolCuda and PasteMasksCuda, one per kernel file. */
final class RoiCuda implements Roi {
    private final PasteMasksCuda pasteMasks;
    private final RoiAlignCuda roiAlign;
    private final RoiPoolCuda roiPool;

    RoiCuda(CudaDevice device, DeferredChecks checks) {
        this.pasteMasks = new PasteMasksCuda(device);
        this.roiAlign = new RoiAlignCuda(device, checks);
        this.roiPool = new RoiPoolCuda(device, checks);
    }

    @Override
    public Tensor roiAlign(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
        return roiAlign.forward(input, boxes, outputHeight, outputWidth, spatialScale, samplingRatio, aligned);
    }

    @Override
    public Tensor roiAlignBackward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned) {
        return roiAlign.backward(gradOutput, boxes, inputShape, spatialScale, samplingRatio, aligned);
    }

    @Override
    public RoiPoolResult roiPool(Tensor input, Tensor boxes, int outputHeight, int outputWidth,
            float spatialScale) {
        return roiPool.forward(input, boxes, outputHeight, outputWidth, spatialScale);
    }

    @Override
    public Tensor roiPoolBackward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) {
        return roiPool.backward(gradOutput, boxes, argmax, inputShape);
    }

    @Override
    public Tensor pasteMasks(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        return pasteMasks.paste(masks, boxes, imageHeight, imageWidth, padding);
    }

    @Override
    public Tensor pasteMasksInWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding,
            int[] windows) {
        return pasteMasks.pasteInWindows(masks, boxes, imageHeight, imageWidth, padding, windows);
    }
}
