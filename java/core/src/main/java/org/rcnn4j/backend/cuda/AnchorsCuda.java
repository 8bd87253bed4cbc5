package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.AnchorsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** AnchorGenerator for one feature level on the device (cuda/anchors.cu); sizes and ratios are uploaded. */
final class AnchorsCuda {
    private final CudaDevice device;

    AnchorsCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        int a = BoxChecks.anchors(sizes, aspectRatios, imageHeight, imageWidth, featureHeight, featureWidth);
        int strideH = imageHeight / featureHeight;
        int strideW = imageWidth / featureWidth;
        try (DeviceBuffer s = device.allocate(4L * sizes.length);
                DeviceBuffer r = device.allocate(4L * aspectRatios.length)) {
            device.copyHostToDevice(s, sizes);
            device.copyHostToDevice(r, aspectRatios);
            return DeviceOutputs.filled(device, DType.F32, new int[] {featureHeight * featureWidth * a, 4},
                    out -> AnchorsKernels.anchors(device, s, sizes.length, r, aspectRatios.length, featureHeight,
                            featureWidth, strideH, strideW, out.deviceBuffer()));
        }
    }
}
