package org.rcnn4j.autograd.cuda;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.kernels.ElementwiseKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Autograd's elementwise ops on device F32 tensors (cuda/elementwise.cu); each returns a fresh device tensor. */
public final class ElementwiseCuda {
    private ElementwiseCuda() {
    }

    /** Whether these kernels serve tensors of this dtype on this backend (device F32 on a CUDA backend). */
    public static boolean supports(Backend backend, Tensor t) {
        return DeviceF32.supports(backend, t);
    }

    private static Tensor run(Backend backend, Tensor like, DeviceF32.Launch launch) {
        return DeviceF32.run(backend, DType.F32, like.shape(), launch);
    }

    public static Tensor axpby(Backend b, Tensor x, Tensor y, float alpha, float beta) {
        return run(b, x, (d, o) -> ElementwiseKernels.axpby(d, x.deviceBuffer(), y.deviceBuffer(), alpha, beta,
                o.deviceBuffer(), x.numel()));
    }

    public static Tensor scale(Backend b, Tensor x, float s) {
        return run(b, x, (d, o) -> ElementwiseKernels.scale(d, x.deviceBuffer(), s, o.deviceBuffer(), x.numel()));
    }

    public static Tensor mul(Backend b, Tensor x, Tensor y) {
        return run(b, x, (d, o) -> ElementwiseKernels.mul(d, x.deviceBuffer(), y.deviceBuffer(), o.deviceBuffer(),
                x.numel()));
    }

    public static Tensor relu(Backend b, Tensor x) {
        return run(b, x, (d, o) -> ElementwiseKernels.relu(d, x.deviceBuffer(), o.deviceBuffer(), x.numel()));
    }

    public static Tensor reluBackward(Backend b, Tensor g, Tensor y) {
        return run(b, g, (d, o) -> ElementwiseKernels.reluBackward(d, g.deviceBuffer(), y.deviceBuffer(),
                o.deviceBuffer(), g.numel()));
    }

    public static Tensor sigmoid(Backend b, Tensor x) {
        return run(b, x, (d, o) -> ElementwiseKernels.sigmoid(d, x.deviceBuffer(), o.deviceBuffer(), x.numel()));
    }

    public static Tensor sigmoidBackward(Backend b, Tensor g, Tensor y) {
        return run(b, g, (d, o) -> ElementwiseKernels.sigmoidBackward(d, g.deviceBuffer(), y.deviceBuffer(),
                o.deviceBuffer(), g.numel()));
    }
}
