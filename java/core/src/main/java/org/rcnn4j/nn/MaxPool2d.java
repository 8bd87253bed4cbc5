package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.Functional;

/** torch.nn.MaxPool2d(kernel, stride, padding) without dilation or ceil_mode (no state). */
public final class MaxPool2d extends Block implements Layer {
    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int kernel, int stride, int padding) {
        if (kernel < 1 || stride < 1 || padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException("MaxPool2d: need kernel >= 1, stride >= 1, 0 <= padding <= kernel/2; "
                    + "got kernel " + kernel + ", stride " + stride + ", padding " + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Var forward(Var input) {
        return Functional.maxPool2d(input, kernel, stride, padding);
    }
}
