package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.BatchNormShape;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.BatchNormKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Per-channel affine maps and sums (batch norm's pieces) on the device through cuda/batch_norm.cu. */
final class BatchNormCuda {
    private final CudaDevice device;

    BatchNormCuda(CudaDevice device) {
        this.device = device;
    }

    private static Precision precision(Tensor t) {
        return t.dtype() == DType.F32 ? Precision.F32 : Precision.F64;
    }

    Tensor channelAffine(Tensor input, Tensor scale, Tensor shift) {
        BatchNormShape s = BatchNormShape.ofAffine(input, scale, shift);
        DeviceChecks.requireDevice("input", input);
        if (scale != null) {
            DeviceChecks.requireDevice("scale", scale);
        }
        if (shift != null) {
            DeviceChecks.requireDevice("shift", shift);
        }
        return DeviceOutputs.filled(device, input.dtype(), input.shape(), y -> BatchNormKernels.channelAffine(device,
                precision(input), input.deviceBuffer(), scale == null ? null : scale.deviceBuffer(),
                shift == null ? null : shift.deviceBuffer(), y.deviceBuffer(), s.n(), s.c(), s.pixels()));
    }

    Tensor channelSum(Tensor input, Tensor other) {
        BatchNormShape s = BatchNormShape.ofSum(input, other);
        DeviceChecks.requireDevice("input", input);
        if (other != null) {
            DeviceChecks.requireDevice("other", other);
        }
        return DeviceOutputs.filled(device, input.dtype(), new int[] {s.c()}, y -> BatchNormKernels.channelSum(device,
                precision(input), input.deviceBuffer(), other == null ? null : other.deviceBuffer(), y.deviceBuffer(),
                s.n(), s.c(), s.pixels()));
    }
}
