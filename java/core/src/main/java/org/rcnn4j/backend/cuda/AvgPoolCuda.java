package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.AvgPool;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** adaptive_avg_pool2d on the CUDA backend. GAP: no kernel yet; the CPU family on a host copy (VGG only). */
final class AvgPoolCuda implements AvgPool {
    private final CudaDevice device;
    private final AvgPool host;

    AvgPoolCuda(CudaDevice device, AvgPool host) {
        this.device = device;
        this.host = host;
    }

    @Override
    public Tensor adaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth) {
        return HostFallback.run(device, h -> host.adaptiveAvgPool2d(h[0], outputHeight, outputWidth), x);
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor g, int[] inputShape) {
        return HostFallback.run(device, h -> host.adaptiveAvgPool2dBackward(h[0], inputShape), g);
    }
}
