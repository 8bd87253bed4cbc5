package org.rcnn4j.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.backend.RoiChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.RoiAlignKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_align on the device (cuda/roi_align.cu), F32 and F64, same results as the CPU backend up to rounding. The
 * boxes stay on the device, so their batch indices are checked there ({@link DeferredChecks}): a RoI with an index
 * outside [0, N) makes the backend's next synchronization throw the CPU backend's IllegalArgumentException (until
 * then it pools to 0 and gets no gradient). The backward is deterministic (fixed-point sums, the same bits on every
 * run) unless system property {@value RoiCudaSupport#ATOMIC_BACKWARD} is true (float atomics, as torchvision).
 */
final class RoiAlignCuda {
    private final CudaDevice device;
    private final DeferredChecks checks;

    RoiAlignCuda(CudaDevice device, DeferredChecks checks) {
        this.device = device;
        this.checks = checks;
    }

    Tensor forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
        RoiChecks.inputAndBoxes(input, boxes);
        RoiChecks.outputSize(outputHeight, outputWidth);
        RoiChecks.spatialScale(spatialScale);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("boxes", boxes);
        checks.roiBatch("roi_align", boxes, input.size(0));
        int[] s = input.shape();
        int k = boxes.size(0);
        return DeviceOutputs.filled(device, input.dtype(), new int[] {k, s[1], outputHeight, outputWidth}, out -> {
            if (input.dtype() == DType.F32) {
                RoiAlignKernels.forwardF32(device, input.deviceBuffer().pointer(), boxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), k, s[1], s[2], s[3], s[0], outputHeight, outputWidth,
                        spatialScale, samplingRatio, aligned);
            } else {
                RoiAlignKernels.forwardF64(device, input.deviceBuffer().pointer(), boxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), k, s[1], s[2], s[3], s[0], outputHeight, outputWidth,
                        spatialScale, samplingRatio, aligned);
            }
        });
    }

    Tensor backward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale, int samplingRatio,
            boolean aligned) {
        RoiChecks.gradOutput(gradOutput, boxes, inputShape);
        RoiChecks.spatialScale(spatialScale);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("boxes", boxes);
        checks.roiBatch("roi_align backward", boxes, inputShape[0]);
        int k = boxes.size(0);
        int ph = gradOutput.size(2);
        int pw = gradOutput.size(3);
        return DeviceOutputs.filled(device, gradOutput.dtype(), inputShape, grad -> {
            CUdeviceptr go = gradOutput.deviceBuffer().pointer();
            CUdeviceptr b = boxes.deviceBuffer().pointer();
            CUdeviceptr gi = grad.deviceBuffer().pointer();
            boolean f32 = gradOutput.dtype() == DType.F32;
            if (RoiCudaSupport.atomicBackward()) {
                device.memsetZero(grad.deviceBuffer());
                if (f32) {
                    RoiAlignKernels.backwardF32(device, go, b, gi, k, inputShape[1], inputShape[2], inputShape[3],
                            inputShape[0], ph, pw, spatialScale, samplingRatio, aligned);
                } else {
                    RoiAlignKernels.backwardF64(device, go, b, gi, k, inputShape[1], inputShape[2], inputShape[3],
                            inputShape[0], ph, pw, spatialScale, samplingRatio, aligned);
                }
            } else if (f32) {
                RoiAlignKernels.backwardDeterministicF32(device, go, b, gi, k, inputShape[1], inputShape[2],
                        inputShape[3], inputShape[0], ph, pw, spatialScale, samplingRatio, aligned);
            } else {
                RoiAlignKernels.backwardDeterministicF64(device, go, b, gi, k, inputShape[1], inputShape[2],
                        inputShape[3], inputShape[0], ph, pw, spatialScale, samplingRatio, aligned);
            }
        });
    }
}
