package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Linalg;
import org.rcnn4j.backend.MatmulShape;
import org.rcnn4j.cuda.Cublas;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The Linalg family through cuBLAS (cublasGemmEx on rcnn4j's stream). rcnn4j's tensors are row-major and cuBLAS
 * is column-major: a row-major [M,N] C is the column-major [N,M] C^T, and C^T = op(B)^T op(A)^T, so the call swaps
 * the operands and passes (m, n) = (N, M), each operand with its row length as leading dimension and its own
 * transpose flag.
 */
final class CublasLinalg implements Linalg {
    private final CudaDevice device;
    private final Cublas cublas;
    private final boolean allowTf32;

    CublasLinalg(CudaDevice device, Cublas cublas, boolean allowTf32) {
        this.device = device;
        this.cublas = cublas;
        this.allowTf32 = allowTf32;
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        MatmulShape s = MatmulShape.of(a, b, transposeA, transposeB);
        DeviceChecks.requireDevice("a", a);
        DeviceChecks.requireDevice("b", b);
        int[] shape = {s.m(), s.n()};
        if (s.m() == 0 || s.n() == 0) {
            return Transfers.empty(device, a.dtype(), shape);
        }
        if (s.k() == 0) {
            return Transfers.zeros(device, a.dtype(), shape);  // an empty sum, without asking cuBLAS about k = 0
        }
        return DeviceOutputs.filled(device, a.dtype(), shape, c -> cublas.gemm(a.dtype() == DType.F64, transposeB,
                transposeA, s.n(), s.m(), s.k(), 1.0, b.deviceBuffer(), b.size(1), a.deviceBuffer(), a.size(1), 0.0,
                c.deviceBuffer(), s.n(), allowTf32));
    }
}
