package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.functional.AdaptivePool;

/** torch.nn.AdaptiveAvgPool2d (no state). */
public final class AdaptiveAvgPool2d extends Block implements Layer {
    private final int outputHeight;
    private final int outputWidth;

    public AdaptiveAvgPool2d(int outputHeight, int outputWidth) {
        this.outputHeight = outputHeight;
        this.outputWidth = outputWidth;
    }

    public int outputHeight() {
        return outputHeight;
    }

    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public Var forward(Var input) {
        return AdaptivePool.avgPool2d(input, outputHeight, outputWidth);
    }
}
