package org.rcnn4j.backend.cpu;

import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.backend.*;

/** SKELETON: placeholder until this kernel family lands; replaced, never shipped. */
final class Conv2dCpu {
    private Conv2dCpu() {
    }
    static Tensor forward(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) { throw new UnsupportedOperationException("not implemented yet"); }
    static Conv2dGrads backward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params, boolean withBias) { throw new UnsupportedOperationException("not implemented yet"); }
}
