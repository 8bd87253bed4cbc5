package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.kernels.ReduceKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Autograd's sum and mean of device F32 tensors (cuda/reduce.cu): a deterministic sum in double into a 0-dim
 * tensor, and the backward fill, which reads the upstream gradient on the device. Results are fresh device
 * tensors.
 */
public final class ReduceCuda {
    private ReduceCuda() {
    }

    /** Whether these kernels serve this tensor (device F32 on a CUDA backend). */
    public static boolean supports(Backend backend, Tensor t) {
        return DeviceF32.supports(backend, t);
    }

    /** scale * the sum of all elements of x, a 0-dim tensor (scale 1: sum, 1/numel: mean). */
    public static Tensor sum(Backend b, Tensor x, double scale) {
        return DeviceF32.run(b, DType.F32, new int[0], (d, o) -> ReduceKernels.sum(d, x.deviceBuffer(), x.numel(),
                scale, o.deviceBuffer()));
    }

    /** A tensor of {@code shape} filled with g * scale, g a one-element device F32 tensor (the upstream gradient). */
    public static Tensor fill(Backend b, Tensor g, double scale, int[] shape) {
        return DeviceF32.run(b, DType.F32, shape, (d, o) -> ReduceKernels.fill(d, g.deviceBuffer(), scale,
                o.deviceBuffer(), o.numel()));
    }
}
