package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.Conv2dKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** conv2d and its gradients on the device through cuda/conv2d.cu's implicit-GEMM kernels (F32 or F64). */
final class Conv2dCuda {
    private final CudaDevice device;

    Conv2dCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor forward(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.of(input, weight, bias, params);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        if (bias != null) {
            DeviceChecks.requireDevice("bias", bias);
        }
        return DeviceOutputs.filled(device, input.dtype(), s.outputShape(), y -> Conv2dKernels.forward(device,
                precision(input), shape(s), input.deviceBuffer(), weight.deviceBuffer(),
                bias == null ? null : bias.deviceBuffer(), y.deviceBuffer()));
    }

    Conv2dGrads backward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params, boolean withBias) {
        Conv2dShape s = Conv2dShape.ofBackward(gradOutput, input, weight, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        Precision p = precision(input);
        Conv2dKernels.Shape k = shape(s);
        Tensor gradInput = null;
        Tensor gradWeight = null;
        Tensor gradBias = null;
        try {
            gradInput = Transfers.empty(device, input.dtype(), s.inputShape());
            gradWeight = Transfers.empty(device, input.dtype(), s.weightShape());
            Conv2dKernels.gradInput(device, p, k, gradOutput.deviceBuffer(), weight.deviceBuffer(),
                    gradInput.deviceBuffer());
            Conv2dKernels.gradWeight(device, p, k, gradOutput.deviceBuffer(), input.deviceBuffer(),
                    gradWeight.deviceBuffer());
            if (withBias) {
                gradBias = Transfers.empty(device, input.dtype(), s.o());
                Conv2dKernels.gradBias(device, p, s.n(), s.o(), s.p(), gradOutput.deviceBuffer().pointer(),
                        gradBias.deviceBuffer().pointer());
            }
            return new Conv2dGrads(gradInput, gradWeight, gradBias);
        } catch (RuntimeException e) {
            for (Tensor t : new Tensor[] {gradInput, gradWeight, gradBias}) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    Tensor gradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.ofGradInput(gradOutput, weight, inputShape, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("weight", weight);
        return DeviceOutputs.filled(device, weight.dtype(), s.inputShape(), dx -> Conv2dKernels.gradInput(device,
                precision(weight), shape(s), gradOutput.deviceBuffer(), weight.deviceBuffer(), dx.deviceBuffer()));
    }

    Tensor gradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params) {
        Conv2dShape s = Conv2dShape.ofGradWeight(gradOutput, input, weightShape, params);
        DeviceChecks.requireDevice("grad_output", gradOutput);
        DeviceChecks.requireDevice("input", input);
        return DeviceOutputs.filled(device, input.dtype(), s.weightShape(), dw -> Conv2dKernels.gradWeight(device,
                precision(input), shape(s), gradOutput.deviceBuffer(), input.deviceBuffer(), dw.deviceBuffer()));
    }

    private static Precision precision(Tensor t) {
        return t.dtype() == DType.F32 ? Precision.F32 : Precision.F64;
    }

    private static Conv2dKernels.Shape shape(Conv2dShape s) {
        Conv2dParams p = s.params();
        return new Conv2dKernels.Shape(s.n(), s.c(), s.h(), s.w(), s.o(), s.kh(), s.kw(), p.strideH(), p.strideW(),
                p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.groups());
    }

}
