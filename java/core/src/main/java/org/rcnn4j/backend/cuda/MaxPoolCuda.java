package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.MaxPool;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.MaxPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * max_pool2d on device F32 tensors [N,C,H,W] (cuda/max_pool.cu): the output with its int32 argmax (kept for
 * backward), and the gradient gathered by that argmax. Other operands take the CPU family on host copies.
 */
final class MaxPoolCuda implements MaxPool {
    private final CudaDevice device;
    private final MaxPool host;

    MaxPoolCuda(CudaDevice device, MaxPool host) {
        this.device = device;
        this.host = host;
    }

    @Override
    public Pooled maxPool2d(Tensor x, int kernel, int stride, int padding) {
        OpChecks.floating("input", x);
        OpChecks.dims("input", x, 4, "[N,C,H,W]");
        if (!DeviceF32.all(x)) {
            Pooled r = host.maxPool2d(Transfers.toHost(device, x), kernel, stride, padding);
            Tensor out = HostFallback.upload(device, r.output());
            try {
                return new Pooled(out, HostFallback.upload(device, r.argmax()));
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
        int[] s = x.shape();
        int oh = MaxPoolKernels.outSize(s[2], kernel, stride, padding);
        int ow = MaxPoolKernels.outSize(s[3], kernel, stride, padding);
        int[] outShape = {s[0], s[1], oh, ow};
        Tensor argmax = Transfers.empty(device, DType.I32, outShape);
        try {
            Tensor out = DeviceF32.run(device, DType.F32, outShape, (d, o) -> MaxPoolKernels.forward(d,
                    x.deviceBuffer(), (long) s[0] * s[1], s[2], s[3], kernel, stride, padding, o.deviceBuffer(),
                    argmax.deviceBuffer()));
            return new Pooled(out, argmax);
        } catch (RuntimeException e) {
            argmax.close();
            throw e;
        }
    }

    @Override
    public Tensor maxPool2dBackward(Tensor g, Tensor argmax, int[] inputShape, int kernel, int stride,
            int padding) {
        OpChecks.floating("grad_output", g);
        OpChecks.nchw("input_shape", inputShape);
        OpChecks.dtype("argmax", argmax, DType.I32);
        if (!DeviceF32.all(g) || !argmax.isDevice()) {
            Tensor[] h = HostFallback.download(device, g, argmax);
            return HostFallback.upload(device, host.maxPool2dBackward(h[0], h[1], inputShape, kernel, stride,
                    padding));
        }
        int[] s = inputShape;
        return DeviceF32.run(device, DType.F32, s, (d, gi) -> MaxPoolKernels.backward(d, g.deviceBuffer(),
                argmax.deviceBuffer(), (long) s[0] * s[1], s[2], s[3], kernel, stride, padding, gi.deviceBuffer()));
    }
}
