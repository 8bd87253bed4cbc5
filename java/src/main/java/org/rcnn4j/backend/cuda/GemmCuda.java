package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.GemmKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** matmul on the device: one launch of cuda/gemm.cu (F32 or F64) into a fresh [M,N] tensor. */
final class GemmCuda {
    private final CudaDevice device;

    GemmCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        OpChecks.dims("a", a, 2, "[M,K]");
        OpChecks.floating("a", a);
        OpChecks.dims("b", b, 2, "[K,N]");
        OpChecks.sameDType("b", b, "a", a);
        int m = transposeA ? a.size(1) : a.size(0);
        int k = transposeA ? a.size(0) : a.size(1);
        int kb = transposeB ? b.size(1) : b.size(0);
        int n = transposeB ? b.size(0) : b.size(1);
        if (k != kb) {
            throw new IllegalArgumentException("b: expected op(b) of shape [" + k + ",N] to match op(a) [" + m + ","
                    + k + "], got b " + Shapes.format(b.shape()) + (transposeB ? " transposed" : "")
                    + " (a " + Shapes.format(a.shape()) + (transposeA ? " transposed" : "") + ")");
        }
        Conv2dCuda.requireDevice("a", a);
        Conv2dCuda.requireDevice("b", b);
        Tensor c = Transfers.empty(device, a.dtype(), m, n);
        try {
            GemmKernels.gemm(device, a.dtype() == DType.F32 ? GemmKernels.Precision.F32 : GemmKernels.Precision.F64,
                    m, n, k, a.deviceBuffer(), Math.max(1, a.size(1)), transposeA, b.deviceBuffer(),
                    Math.max(1, b.size(1)), transposeB, c.deviceBuffer(), Math.max(1, n), 0.0);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
