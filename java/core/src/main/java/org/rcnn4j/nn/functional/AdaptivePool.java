package org.rcnn4j.nn.functional;

import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * F.adaptive_avg_pool2d: output cell (i, j) averages input rows [floor(i*H/oh), ceil((i+1)*H/oh)) and the
 * matching columns, on the backend ({@link Backend#avgPool()}).
 */
public final class AdaptivePool {
    private AdaptivePool() {
    }

    public static Var avgPool2d(Var input, int outH, int outW) {
        TensorMath.checkFloat("adaptive_avg_pool2d", "input", input);
        int[] s = input.shape();
        if (s.length != 4 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: input must be [N,C,H,W] and output_size >= 1, got "
                    + input.value() + " and " + outH + "x" + outW);
        }
        Backend b = input.backend();
        return Autograd.record("adaptive_avg_pool2d", b, b.avgPool().adaptiveAvgPool2d(input.value(), outH, outW),
                g -> new Tensor[] {b.avgPool().adaptiveAvgPool2dBackward(g, s)}, new Var[] {input});
    }
}
