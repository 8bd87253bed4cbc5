package org.rcnn4j.nn;

/** torch.nn.AdaptiveAvgPool2d (no state; structure only for now). */
public final class AdaptiveAvgPool2d extends Module {
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
}
