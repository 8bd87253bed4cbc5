package org.rcnn4j.backend.cuda;
import org.rcnn4j.cuda.CudaDevice;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class GemmCuda {
    private final CudaDevice device;

    GemmCuda(CudaDevice device) {
        this.device = device;
    }
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) { throw new UnsupportedOperationException("not implemented yet"); }
}
