package org.rcnn4j.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.backend.RoiChecks;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.RoiPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_pool on the device (cuda/roi_pool.cu), F32 and F64; output and argmax equal the CPU backend's exactly.
 * Batch indices and argmax values are checked on the device ({@link DeferredChecks}): a RoI with an index outside
 * [0, N), or an argmax value outside [-1, H*W), makes the backend's next synchronization throw the CPU backend's
 * IllegalArgumentException (until then such a RoI outputs 0 / -1, and the backward ignores such argmax values). The backward is
 * deterministic (fixed-point sums, the same bits on every run) unless system property
 * {@value RoiCudaSupport#ATOMIC_BACKWARD} is true (float atomics, as torchvision).
 */
final class RoiPoolCuda {
    private final CudaDevice device;
    private final DeferredChecks checks;

    RoiPoolCuda(CudaDevice device, DeferredChecks checks) {
        this.device = device;
        this.checks = checks;
    }

    RoiPoolResult forward(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale) {
        RoiChecks.inputAndBoxes(input, boxes);
        RoiChecks.outputSize(outputHeight, outputWidth);
        RoiChecks.spatialScale(spatialScale);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("boxes", boxes);
        checks.roiBatch("roi_pool", boxes, input.size(0));
        int[] s = input.shape();
        int k = boxes.size(0);
        Tensor out = Transfers.empty(device, input.dtype(), k, s[1], outputHeight, outputWidth);
        Tensor argmax = null;
        try {
            argmax = Transfers.empty(device, DType.I32, k, s[1], outputHeight, outputWidth);
            if (input.dtype() == DType.F32) {
                RoiPoolKernels.forwardF32(device, input.deviceBuffer().pointer(), boxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), argmax.deviceBuffer().pointer(), k, s[1], s[2], s[3], s[0],
                        outputHeight, outputWidth, spatialScale);
            } else {
                RoiPoolKernels.forwardF64(device, input.deviceBuffer().pointer(), boxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), argmax.deviceBuffer().pointer(), k, s[1], s[2], s[3], s[0],
                        outputHeight, outputWidth, spatialScale);
            }
            return new RoiPoolResult(out, argmax);
        } catch (RuntimeException e) {
            out.close();
            if (argmax != null) {
                argmax.close();
            }
            throw e;
        }
    }

    Tensor backward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape) {
        RoiChecks.gradOutput(gradOutput, boxes, inputShape);
        RoiChecks.argmax(argmax, gradOutput);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("boxes", boxes);
        DeviceChecks.requireDevice("argmax", argmax);
        checks.roiBatch("roi_pool backward", boxes, inputShape[0]);
        checks.indexRange("roi_pool backward", "argmax", argmax, (long) inputShape[2] * inputShape[3], -1L,
                "-1 (an empty bin) or an index into H*W");
        int k = boxes.size(0);
        int ph = gradOutput.size(2);
        int pw = gradOutput.size(3);
        boolean i64 = argmax.dtype() == DType.I64;
        Tensor grad = Transfers.empty(device, gradOutput.dtype(), inputShape);
        try {
            CUdeviceptr go = gradOutput.deviceBuffer().pointer();
            CUdeviceptr b = boxes.deviceBuffer().pointer();
            CUdeviceptr a = argmax.deviceBuffer().pointer();
            CUdeviceptr gi = grad.deviceBuffer().pointer();
            boolean f32 = gradOutput.dtype() == DType.F32;
            if (RoiCudaSupport.atomicBackward()) {
                device.memsetZero(grad.deviceBuffer());
                if (f32) {
                    RoiPoolKernels.backwardF32(device, go, b, a, i64, gi, k, inputShape[1], inputShape[2],
                            inputShape[3], inputShape[0], ph, pw);
                } else {
                    RoiPoolKernels.backwardF64(device, go, b, a, i64, gi, k, inputShape[1], inputShape[2],
                            inputShape[3], inputShape[0], ph, pw);
                }
            } else {
                RoiPoolKernels.backwardDeterministic(device, !f32, go, b, a, i64, gi, k, inputShape[1],
                        inputShape[2], inputShape[3], inputShape[0], ph, pw);
            }
            return grad;
        } catch (RuntimeException e) {
            grad.close();
            throw e;
        }
    }
}
