package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Linalg;
import org.rcnn4j.tensor.Tensor;

/** The Linalg family on the CPU: delegates to GemmCpu, on oneDNN in a backend whose convolutions run there. */
final class LinalgCpu implements Linalg {
    private final boolean oneDnn;

    LinalgCpu(boolean oneDnn) {
        this.oneDnn = oneDnn;
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return GemmCpu.matmul(a, b, transposeA, transposeB, oneDnn);
    }
}
