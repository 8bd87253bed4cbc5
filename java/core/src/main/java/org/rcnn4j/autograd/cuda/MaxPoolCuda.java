package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.kernels.MaxPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Autograd's max_pool2d on device F32 tensors [N,C,H,W] (cuda/max_pool.cu): the output with its int32 argmax
 * (kept for backward), and the gradient gathered by that argmax. Results are fresh device tensors.
 */
public final class MaxPoolCuda {
    private MaxPoolCuda() {
    }

    /** The pooled output [N,C,oh,ow] and the winning y*W+x within each plane, I32 of the same shape. */
    public record Pooled(Tensor output, Tensor argmax) {
    }

    /** Whether these kernels serve this tensor (device F32 on a CUDA backend). */
    public static boolean supports(Backend backend, Tensor t) {
        return DeviceF32.supports(backend, t);
    }

    public static Pooled forward(Backend b, Tensor x, int kernel, int stride, int padding) {
        int[] s = x.shape();
        int oh = MaxPoolKernels.outSize(s[2], kernel, stride, padding);
        int ow = MaxPoolKernels.outSize(s[3], kernel, stride, padding);
        int[] outShape = {s[0], s[1], oh, ow};
        Tensor argmax = DeviceF32.empty(b, DType.I32, outShape);
        try {
            Tensor out = DeviceF32.run(b, DType.F32, outShape, (d, o) -> MaxPoolKernels.forward(d, x.deviceBuffer(),
                    (long) s[0] * s[1], s[2], s[3], kernel, stride, padding, o.deviceBuffer(), argmax.deviceBuffer()));
            return new Pooled(out, argmax);
        } catch (RuntimeException e) {
            argmax.close();
            throw e;
        }
    }

    /** The gradient of the input (shape {@code inputShape}) from the output's gradient g and the argmax. */
    public static Tensor backward(Backend b, Tensor g, Tensor argmax, int[] inputShape, int kernel, int stride,
            int padding) {
        int[] s = inputShape;
        return DeviceF32.run(b, DType.F32, s, (d, gi) -> MaxPoolKernels.backward(d, g.deviceBuffer(),
                argmax.deviceBuffer(), (long) s[0] * s[1], s[2], s[3], kernel, stride, padding, gi.deviceBuffer()));
    }
}
