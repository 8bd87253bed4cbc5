package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.PasteMasksArgs;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.PasteMasksKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_heads.paste_masks_in_image on the device: one kernel writes the whole [K,1,H,W] output (zeros outside each
 * box), box geometry derived on the device. Same results as the CPU backend (PasteMasksCpu), including its
 * departures from torchvision for boxes that miss the image, inverted boxes and non-finite boxes (all-zero masks).
 */
final class PasteMasksCuda {
    private final CudaDevice device;

    PasteMasksCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor paste(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        PasteMasksArgs.check(masks, boxes, imageHeight, imageWidth, padding);
        DeviceChecks.requireDevice("masks", masks);
        DeviceChecks.requireDevice("boxes", boxes);
        int k = masks.size(0);
        int m = masks.size(3);
        return DeviceOutputs.filled(device, DType.F32, new int[] {k, 1, imageHeight, imageWidth},
                out -> PasteMasksKernels.paste(device, masks.deviceBuffer(), boxes.deviceBuffer(), out.deviceBuffer(),
                        k, m, padding, imageHeight, imageWidth));
    }

}
