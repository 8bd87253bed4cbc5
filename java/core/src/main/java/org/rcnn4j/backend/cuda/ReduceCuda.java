package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.backend.Reduce;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.ReduceKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Sum and its backward fill on the device (cuda/reduce.cu): a deterministic sum in double into a 0-dim tensor,
 * and a fill that reads the upstream gradient on the device. Other operands than device F32 take the CPU family
 * on host copies.
 */
final class ReduceCuda implements Reduce {
    private final CudaDevice device;
    private final Reduce host;

    ReduceCuda(CudaDevice device, Reduce host) {
        this.device = device;
        this.host = host;
    }

    @Override
    public Tensor sum(Tensor x, double scale) {
        OpChecks.floating("input", x);
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.sum(h[0], scale), x);
        }
        return DeviceF32.run(device, DType.F32, new int[0], (d, o) -> ReduceKernels.sum(d, x.deviceBuffer(),
                x.numel(), scale, o.deviceBuffer()));
    }

    @Override
    public Tensor fill(Tensor g, double scale, int[] shape) {
        OpChecks.floating("grad", g);
        if (g.numel() != 1) {
            throw new IllegalArgumentException("grad: expected one element, got " + Shapes.format(g.shape()));
        }
        if (!DeviceF32.all(g)) {
            return HostFallback.run(device, h -> host.fill(h[0], scale, shape), g);
        }
        return DeviceF32.run(device, DType.F32, shape, (d, o) -> ReduceKernels.fill(d, g.deviceBuffer(), scale,
                o.deviceBuffer(), o.numel()));
    }
}
