package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.AvgPool;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.AvgPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * adaptive_avg_pool2d and its gradient on device F32 tensors [N,C,H,W] (cuda/avg_pool.cu, the CPU family's
 * arithmetic bit for bit). Other operands (F64 gradient checks) take the CPU family on host copies.
 */
final class AvgPoolCuda implements AvgPool {
    private final CudaDevice device;
    private final AvgPool host;

    AvgPoolCuda(CudaDevice device, AvgPool host) {
        this.device = device;
        this.host = host;
    }

    @Override
    public Tensor adaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth) {
        if (!DeviceF32.all(x)) {
            return HostFallback.run(device, h -> host.adaptiveAvgPool2d(h[0], outputHeight, outputWidth), x);
        }
        OpChecks.dims("input", x, 4, "[N,C,H,W]");
        OpChecks.positive("output_height", outputHeight);
        OpChecks.positive("output_width", outputWidth);
        int[] s = x.shape();
        return DeviceF32.run(device, DType.F32, new int[] {s[0], s[1], outputHeight, outputWidth},
                (d, o) -> AvgPoolKernels.forward(d, x.deviceBuffer(), (long) s[0] * s[1], s[2], s[3], outputHeight,
                        outputWidth, o.deviceBuffer()));
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor g, int[] inputShape) {
        if (!DeviceF32.all(g)) {
            return HostFallback.run(device, h -> host.adaptiveAvgPool2dBackward(h[0], inputShape), g);
        }
        OpChecks.adaptivePoolGradient(g, inputShape);
        int[] s = inputShape.clone();
        return DeviceF32.run(device, DType.F32, s, (d, gi) -> AvgPoolKernels.backward(d, g.deviceBuffer(),
                (long) s[0] * s[1], s[2], s[3], g.size(2), g.size(3), gi.deviceBuffer()));
    }
}
