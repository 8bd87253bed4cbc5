package org.rcnn4j.autograd;

import org.rcnn4j.autograd.cpu.ElementwiseF32;
import org.rcnn4j.autograd.cuda.ElementwiseCuda;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The F32 elementwise fast path: device F32 tensors use cuda/elementwise.cu, host F32 tensors of the CPU backend
 * the float kernels of {@link ElementwiseF32}; both compute in float. Other dtypes go through the double kernels.
 */
final class F32 {
    private F32() {
    }

    static boolean supports(Backend b, Tensor t) {
        return ElementwiseCuda.supports(b, t) || (Tensors.isCpu(b) && t.isHost() && t.dtype() == DType.F32);
    }

    static Tensor axpby(Backend b, Tensor x, Tensor y, float alpha, float beta) {
        return x.isDevice() ? ElementwiseCuda.axpby(b, x, y, alpha, beta)
                : Tensor.ofFloats(ElementwiseF32.axpby(x.floats(), y.floats(), alpha, beta), x.shape());
    }

    static Tensor scale(Backend b, Tensor x, float s) {
        return x.isDevice() ? ElementwiseCuda.scale(b, x, s)
                : Tensor.ofFloats(ElementwiseF32.scale(x.floats(), s), x.shape());
    }

    static Tensor mul(Backend b, Tensor x, Tensor y) {
        return x.isDevice() ? ElementwiseCuda.mul(b, x, y)
                : Tensor.ofFloats(ElementwiseF32.mul(x.floats(), y.floats()), x.shape());
    }

    static Tensor relu(Backend b, Tensor x) {
        return x.isDevice() ? ElementwiseCuda.relu(b, x) : Tensor.ofFloats(ElementwiseF32.relu(x.floats()), x.shape());
    }

    static Tensor reluBackward(Backend b, Tensor g, Tensor y) {
        return g.isDevice() ? ElementwiseCuda.reluBackward(b, g, y)
                : Tensor.ofFloats(ElementwiseF32.reluBackward(g.floats(), y.floats()), g.shape());
    }

    static Tensor sigmoid(Backend b, Tensor x) {
        return x.isDevice() ? ElementwiseCuda.sigmoid(b, x)
                : Tensor.ofFloats(ElementwiseF32.sigmoid(x.floats()), x.shape());
    }

    static Tensor sigmoidBackward(Backend b, Tensor g, Tensor y) {
        return g.isDevice() ? ElementwiseCuda.sigmoidBackward(b, g, y)
                : Tensor.ofFloats(ElementwiseF32.sigmoidBackward(g.floats(), y.floats()), g.shape());
    }
}
