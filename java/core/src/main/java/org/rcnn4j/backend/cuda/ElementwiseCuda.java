package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.ElementwiseKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The elementwise family on the device: F32 device tensors run cuda/elementwise.cu (in float, as the CPU's float
 * kernels); other operands take the CPU family on host copies ({@link HostFallback}). Results are fresh device
 * tensors.
 */
final class ElementwiseCuda implements Elementwise {
    private final CudaDevice device;
    private final Elementwise host;

    ElementwiseCuda(CudaDevice device, Elementwise host) {
        this.device = device;
        this.host = host;
    }

    private Tensor run(Tensor like, DeviceF32.Launch launch) {
        return DeviceF32.run(device, DType.F32, like.shape(), launch);
    }

    @Override
    public Tensor axpby(Tensor x, Tensor y, double alpha, double beta) {
        OpChecks.floatingPair("x", x, "y", y);
        if (!DeviceF32.all(x, y)) {
            return HostFallback.run(device, h -> host.axpby(h[0], h[1], alpha, beta), x, y);
        }
        return run(x, (d, o) -> ElementwiseKernels.axpby(d, x.deviceBuffer(), y.deviceBuffer(), (float) alpha,
                (float) beta, o.deviceBuffer(), x.numel()));
    }

    @Override
    public Tensor scale(Tensor x, double s) {
        OpChecks.floating("x", x);
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.scale(h[0], s), x);
        }
        return run(x, (d, o) -> ElementwiseKernels.scale(d, x.deviceBuffer(), (float) s, o.deviceBuffer(),
                x.numel()));
    }

    @Override
    public Tensor mul(Tensor x, Tensor y) {
        OpChecks.floatingPair("x", x, "y", y);
        if (!DeviceF32.all(x, y)) {
            return HostFallback.run(device, h -> host.mul(h[0], h[1]), x, y);
        }
        return run(x, (d, o) -> ElementwiseKernels.mul(d, x.deviceBuffer(), y.deviceBuffer(), o.deviceBuffer(),
                x.numel()));
    }

    @Override
    public Tensor relu(Tensor x) {
        OpChecks.floating("x", x);
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.relu(h[0]), x);
        }
        return run(x, (d, o) -> ElementwiseKernels.relu(d, x.deviceBuffer(), o.deviceBuffer(), x.numel()));
    }

    @Override
    public Tensor reluBackward(Tensor g, Tensor y) {
        OpChecks.floatingPair("g", g, "y", y);
        if (!DeviceF32.all(g, y)) {
            return HostFallback.run(device, h -> host.reluBackward(h[0], h[1]), g, y);
        }
        return run(g, (d, o) -> ElementwiseKernels.reluBackward(d, g.deviceBuffer(), y.deviceBuffer(),
                o.deviceBuffer(), g.numel()));
    }

    @Override
    public Tensor sigmoid(Tensor x) {
        OpChecks.floating("x", x);
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.sigmoid(h[0]), x);
        }
        return run(x, (d, o) -> ElementwiseKernels.sigmoid(d, x.deviceBuffer(), o.deviceBuffer(), x.numel()));
    }

    @Override
    public Tensor sigmoidBackward(Tensor g, Tensor y) {
        OpChecks.floatingPair("g", g, "y", y);
        if (!DeviceF32.all(g, y)) {
            return HostFallback.run(device, h -> host.sigmoidBackward(h[0], h[1]), g, y);
        }
        return run(g, (d, o) -> ElementwiseKernels.sigmoidBackward(d, g.deviceBuffer(), y.deviceBuffer(),
                o.deviceBuffer(), g.numel()));
    }
}
