package org.rcnn4j.backend.cuda;

import static org.rcnn4j.backend.cuda.DeviceChecks.requireDevice;

import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.BoxCoderKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** BoxCoder.decode_single and encode_single on the device (cuda/box_coder.cu). */
final class BoxCoderCuda {
    private final CudaDevice device;

    BoxCoderCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        int c = BoxChecks.decode(relCodes, boxes, weights, bboxXformClip);
        requireDevice("rel_codes", relCodes);
        requireDevice("boxes", boxes);
        int k = boxes.size(0);
        return DeviceOutputs.filled(device, DType.F32, relCodes.shape(), out -> BoxCoderKernels.decode(device,
                relCodes.deviceBuffer(), boxes.deviceBuffer(), k, c, weights, bboxXformClip, out.deviceBuffer()));
    }

    Tensor encode(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        int k = BoxChecks.encode(referenceBoxes, proposals, weights);
        requireDevice("reference_boxes", referenceBoxes);
        requireDevice("proposals", proposals);
        return DeviceOutputs.filled(device, DType.F32, new int[] {k, 4}, out -> BoxCoderKernels.encode(device,
                referenceBoxes.deviceBuffer(), proposals.deviceBuffer(), k, weights, out.deviceBuffer()));
    }
}
