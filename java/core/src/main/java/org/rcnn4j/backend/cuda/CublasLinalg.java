package org.rcnn4j.backend.cuda;

import java.util.Optional;
import org.rcnn4j.backend.Linalg;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.backend.MatmulShape;
import org.rcnn4j.cuda.Cublas;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The Linalg family through cuBLAS (cublasGemmEx on rcnn4j's stream), Linear's bias included. rcnn4j's tensors are row-major and cuBLAS
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

    /**
     * input . weight^T + bias as torch's addmm: the output preset to the bias broadcast over its rows (a rank-1
     * cublasGemmEx, bias[N,1] . ones[1,M] in column-major, exact: each element is 1 x bias, without TF32), then
     * cublasGemmEx with beta = 1, both on rcnn4j's stream. Empty extents: the composed path.
     */
    @Override
    public Optional<Tensor> linearWithBias(Tensor input, Tensor weight, Tensor bias) {
        MatmulShape s = MatmulShape.of(input, weight, false, true);
        DeviceChecks.requireDevice("input", input);
        DeviceChecks.requireDevice("weight", weight);
        DeviceChecks.requireDevice("bias", bias);
        OpChecks.vector("bias", bias, s.n());
        OpChecks.sameDType("bias", bias, "input", input);
        if (s.m() == 0 || s.n() == 0 || s.k() == 0) {
            return Optional.empty();
        }
        boolean doubles = input.dtype() == DType.F64;
        double[] ones = new double[s.m()];
        java.util.Arrays.fill(ones, 1.0);
        try (Tensor one = Transfers.toDevice(device, doubles ? Tensor.ofDoubles(ones, 1, s.m())
                : Tensor.ofFloats(toFloats(ones), 1, s.m()))) {
            return Optional.of(DeviceOutputs.filled(device, input.dtype(), new int[] {s.m(), s.n()}, c -> {
                cublas.gemm(doubles, false, false, s.n(), s.m(), 1, 1.0, bias.deviceBuffer(), s.n(),
                        one.deviceBuffer(), 1, 0.0, c.deviceBuffer(), s.n(), false);
                cublas.gemm(doubles, true, false, s.n(), s.m(), s.k(), 1.0, weight.deviceBuffer(), weight.size(1),
                        input.deviceBuffer(), input.size(1), 1.0, c.deviceBuffer(), s.n(), allowTf32);
            }));
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
