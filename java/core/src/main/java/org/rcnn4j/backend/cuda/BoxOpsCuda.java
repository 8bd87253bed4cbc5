package org.rcnn4j.backend.cuda;

import static org.rcnn4j.backend.cuda.DeviceChecks.requireDevice;

import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.BoxOpsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** box_iou, clip_boxes_to_image and remove_small_boxes on the device (cuda/box_ops.cu). */
final class BoxOpsCuda {
    private final CudaDevice device;

    BoxOpsCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor boxIou(Tensor a, Tensor b) {
        int n = BoxChecks.boxes("boxes1", a);
        int m = BoxChecks.boxes("boxes2", b);
        requireDevice("boxes1", a);
        requireDevice("boxes2", b);
        return DeviceOutputs.filled(device, DType.F32, new int[] {n, m},
                out -> BoxOpsKernels.boxIou(device, a.deviceBuffer(), b.deviceBuffer(), n, m, out.deviceBuffer()));
    }

    Tensor clipBoxesToImage(Tensor boxes, int height, int width) {
        BoxChecks.boxesLastDim4("boxes", boxes);
        OpChecks.nonNegative("height", height);
        OpChecks.nonNegative("width", width);
        requireDevice("boxes", boxes);
        return DeviceOutputs.filled(device, DType.F32, boxes.shape(), out -> BoxOpsKernels.clipBoxesToImage(device,
                boxes.deviceBuffer(), boxes.numel() / 4, height, width, out.deviceBuffer()));
    }

    Tensor removeSmallBoxes(Tensor boxes, float minSize) {
        int n = BoxChecks.boxes("boxes", boxes);
        requireDevice("boxes", boxes);
        DeviceBuffer keep = device.allocate(8L * n);
        int count;
        try {
            count = BoxOpsKernels.removeSmallBoxes(device, boxes.deviceBuffer(), n, minSize, keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
        return BoxCudaSupport.indices(device, keep, count);
    }
}
