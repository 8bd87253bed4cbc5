package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.BatchNormShape;
import org.rcnn4j.backend.BatchNormStats;
import org.rcnn4j.backend.BatchNormStatsChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.BatchNormKernels;
import org.rcnn4j.cuda.kernels.GemmKernels.Precision;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Per-channel affine maps and sums (batch norm's pieces) and training batch norm's per-channel bookkeeping on the
 * device through cuda/batch_norm.cu; nothing is read back.
 */
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

    private static void onDevice(String name, Tensor t) {
        if (t != null) {
            DeviceChecks.requireDevice(name, t);
        }
    }

    private static org.rcnn4j.cuda.DeviceBuffer buffer(Tensor t) {
        return t == null ? null : t.deviceBuffer();
    }

    BatchNormStats mean(Tensor sums, long count) {
        int c = BatchNormStatsChecks.mean(sums, count);
        onDevice("sums", sums);
        Tensor state = Transfers.empty(device, DType.F64, 1, c);
        try {
            Tensor values = DeviceOutputs.filled(device, sums.dtype(), new int[] {1, c}, v -> BatchNormKernels.mean(
                    device, precision(sums), sums.deviceBuffer(), c, 1.0 / count, state.deviceBuffer(),
                    v.deviceBuffer()));
            return new BatchNormStats(state, values);
        } catch (RuntimeException | Error e) {
            state.close();
            throw e;
        }
    }

    BatchNormStats coefficients(Tensor mean, Tensor squares, Tensor runningMean, Tensor runningVar, Tensor weight,
            Tensor bias, long count, double momentum, double eps) {
        int c = BatchNormStatsChecks.coefficients(mean, squares, runningMean, runningVar, weight, bias, count, momentum,
                eps);
        onDevice("mean", mean);
        onDevice("squares", squares);
        onDevice("running_mean", runningMean);
        onDevice("running_var", runningVar);
        onDevice("weight", weight);
        onDevice("bias", bias);
        Tensor state = Transfers.empty(device, DType.F64, 3, c);
        try {
            // the host's scalars, computed here as the host computes them: 1.0 / count, 1 - momentum, the unbiasing
            Tensor values = DeviceOutputs.filled(device, squares.dtype(), new int[] {2, c},
                    v -> BatchNormKernels.coefficients(device, precision(squares), mean.deviceBuffer(),
                            squares.deviceBuffer(), buffer(runningMean), buffer(runningVar), buffer(weight),
                            buffer(bias), c, 1.0 / count, 1 - momentum, momentum, (double) count / (count - 1), eps,
                            state.deviceBuffer(), v.deviceBuffer()));
            return new BatchNormStats(state, values);
        } catch (RuntimeException | Error e) {
            state.close();
            throw e;
        }
    }

    Tensor backwardTerms(Tensor state, Tensor sumDy, Tensor sumDyX, long count) {
        int c = BatchNormStatsChecks.backwardTerms(state, sumDy, sumDyX, count);
        onDevice("state", state);
        onDevice("sum_dy", sumDy);
        onDevice("sum_dy_x", sumDyX);
        return DeviceOutputs.filled(device, sumDy.dtype(), new int[] {4, c}, out -> BatchNormKernels.backwardTerms(
                device, precision(sumDy), state.deviceBuffer(), sumDy.deviceBuffer(), sumDyX.deviceBuffer(), c,
                (double) count, out.deviceBuffer()));
    }
}
