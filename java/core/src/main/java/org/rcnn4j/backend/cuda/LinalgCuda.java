package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.Linalg;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.Tensor;

/** The Linalg family on a CUDA device: delegates to GemmCuda, one per kernel file. */
final class LinalgCuda implements Linalg {
    private final GemmCuda gemm;

    LinalgCuda(CudaDevice device) {
        this.gemm = new GemmCuda(device);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return gemm.matmul(a, b, transposeA, transposeB);
    }
}
