package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class GemmCpu {
    private GemmCpu() {
    }
    static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) { throw new UnsupportedOperationException("not implemented yet"); }
}
