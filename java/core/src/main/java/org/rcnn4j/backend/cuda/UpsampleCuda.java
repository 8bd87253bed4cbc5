package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.UpsampleShape;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.cuda.kernels.UpsampleKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Nearest upsampling and its gradient on the device through cuda/upsample.cu. */
final class UpsampleCuda {
    private final CudaDevice device;

    UpsampleCuda(CudaDevice device) {
        this.device = device;
    }

    private static Precision precision(Tensor t) {
        return t.dtype() == DType.F32 ? Precision.F32 : Precision.F64;
    }

    Tensor nearest(Tensor input, int outputHeight, int outputWidth) {
        UpsampleShape s = UpsampleShape.of(input, outputHeight, outputWidth);
        DeviceChecks.requireDevice("input", input);
        return DeviceOutputs.filled(device, input.dtype(), s.outputShape(), y -> UpsampleKernels.nearestForward(device,
                precision(input), input.deviceBuffer(), y.deviceBuffer(), s.planes(), s.h(), s.w(), s.oh(), s.ow()));
    }

    Tensor nearestBackward(Tensor gradOutput, int[] inputShape) {
        UpsampleShape s = UpsampleShape.ofBackward(gradOutput, inputShape);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        return DeviceOutputs.filled(device, gradOutput.dtype(), inputShape.clone(), dx -> UpsampleKernels
                .nearestBackward(device, precision(gradOutput), gradOutput.deviceBuffer(), dx.deviceBuffer(),
                        s.planes(), s.h(), s.w(), s.oh(), s.ow()));
    }
}
