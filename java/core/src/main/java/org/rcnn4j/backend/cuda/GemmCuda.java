package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.MatmulShape;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GemmKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** matmul on the device: one launch of cuda/gemm.cu (F32 or F64) into a fresh [M,N] tensor. */
final class GemmCuda {
    private final CudaDevice device;

    GemmCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        MatmulShape shape = MatmulShape.of(a, b, transposeA, transposeB);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        DeviceChecks.requireDevice("a", a);
        DeviceChecks.requireDevice("b", b);
        return DeviceOutputs.filled(device, a.dtype(), new int[] {m, n}, c -> GemmKernels.gemm(device,
                a.dtype() == DType.F32 ? GemmKernels.Precision.F32 : GemmKernels.Precision.F64, m, n, k,
                a.deviceBuffer(), Math.max(1, a.size(1)), transposeA, b.deviceBuffer(), Math.max(1, b.size(1)),
                transposeB, c.deviceBuffer(), Math.max(1, n), 0.0));
    }
}
