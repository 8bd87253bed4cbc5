package org.rcnn4j.backend.cuda;

import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.Tensor;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.CudaUnavailableException;

/**
 * rcnn4j's CUDA kernels on one device, real ("cuda") or emulated on the CPU ("cuda-emu"). Each op lives in the
 * class named after its kernel family (NmsCuda beside nms.cu and NmsKernels).
 *
 * <p>The device is process-wide: closing a backend frees nothing global (tensors a backend returned are closed
 * by their owners).
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final NmsCuda nms;
    private final BoxOpsCuda boxOps;
    private final AnchorsCuda anchors;
    private final BoxCoderCuda boxCoder;
    private final RoiAlignCuda roiAlign;
    private final RoiPoolCuda roiPool;
    private final PasteMasksCuda pasteMasks;
    private final Conv2dCuda conv2d;
    private final GemmCuda gemm;
    private final BatchNormCuda batchNorm;
    private final UpsampleCuda upsample;
    private final SelectCuda select;

    /**
     * The backend on device 0, real or emulated.
     *
     * @throws CudaUnavailableException no driver or device, or no kernels in this build (the message says why)
     */
    public static CudaBackend open(boolean emulated) {
        CudaDevice device = CudaDevice.open(emulated, 0);
        if (!device.kernelsAvailable()) {
            throw new CudaUnavailableException("the cuda backend is unavailable: "
                    + device.kernelsUnavailableReason() + "; use --device cpu or cuda-emu");
        }
        return new CudaBackend(device);
    }

    public CudaBackend(CudaDevice device) {
        if (device == null) {
            throw new IllegalArgumentException("device: must not be null");
        }
        this.device = device;
        this.nms = new NmsCuda(device);
        this.boxOps = new BoxOpsCuda(device);
        this.anchors = new AnchorsCuda(device);
        this.boxCoder = new BoxCoderCuda(device);
        this.roiAlign = new RoiAlignCuda(device);
        this.roiPool = new RoiPoolCuda(device);
        this.pasteMasks = new PasteMasksCuda(device);
        this.conv2d = new Conv2dCuda(device);
        this.gemm = new GemmCuda(device);
        this.batchNorm = new BatchNormCuda(device);
        this.upsample = new UpsampleCuda(device);
        this.select = new SelectCuda(device);
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public String name() {
        return device.isEmulated() ? "cuda-emu" : "cuda";
    }

    @Override
    public Tensor toDevice(Tensor host) {
        return Transfers.toDevice(device, host);
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        return Transfers.toHost(device, tensor);
    }

    @Override
    public List<Tensor> toHost(List<Tensor> tensors) {
        return Transfers.toHost(device, tensors);
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public DeviceStats stats() {
        return new DeviceStats(device.syncCount(), device.bytesToHost(), device.bytesToDevice());
    }

    @Override
    public Select select() {
        return select;
    }

    /** Frees nothing: the device, its stream and cached memory are shared by the whole process. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return name() + " backend on " + device;
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

    @Override
    public Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        return boxCoder.decode(relCodes, boxes, weights, bboxXformClip);
    }

    @Override
    public Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        return boxCoder.encode(referenceBoxes, proposals, weights);
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
    public Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return conv2d.forward(input, weight, bias, params);
    }

    @Override
    public Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias) {
        return conv2d.backward(gradOutput, input, weight, params, withBias);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return gemm.matmul(a, b, transposeA, transposeB);
    }

    @Override
    public Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        return conv2d.gradInput(gradOutput, weight, inputShape, params);
    }

    @Override
    public Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        return conv2d.gradWeight(gradOutput, input, weightShape, params);
    }

    @Override
    public Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        return batchNorm.channelAffine(input, scale, shift);
    }

    @Override
    public Tensor channelSum(Tensor input, Tensor other) {
        return batchNorm.channelSum(input, other);
    }

    @Override
    public Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth) {
        return upsample.nearest(input, outputHeight, outputWidth);
    }

    @Override
    public Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape) {
        return upsample.nearestBackward(gradOutput, inputShape);
    }
}
