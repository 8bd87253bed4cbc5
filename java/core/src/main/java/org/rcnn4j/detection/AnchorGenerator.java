package org.rcnn4j.detection;

import org.rcnn4j.nn.Block;

/** torchvision's AnchorGenerator settings (no state): one size tuple and the aspect ratios per feature level. */
public final class AnchorGenerator extends Block {
    /** The FPN default: ((32,), (64,), (128,), (256,), (512,)) with ratios (0.5, 1, 2) on each level. */
    public static final int[][] FPN_SIZES = {{32}, {64}, {128}, {256}, {512}};
    public static final float[] FPN_ASPECT_RATIOS = {0.5f, 1.0f, 2.0f};

    private final int[][] sizes;
    private final float[] aspectRatios;

    public AnchorGenerator(int[][] sizes, float[] aspectRatios) {
        this.sizes = sizes;
        this.aspectRatios = aspectRatios.clone();
    }

    public static AnchorGenerator fpnDefault() {
        return new AnchorGenerator(FPN_SIZES, FPN_ASPECT_RATIOS);
    }

    public int levels() {
        return sizes.length;
    }

    public int[] sizes(int level) {
        return sizes[level].clone();
    }

    public float[] aspectRatios() {
        return aspectRatios.clone();
    }

    /** Anchors per location (the same on every level here): sizes times ratios. */
    public int anchorsPerLocation() {
        return sizes[0].length * aspectRatios.length;
    }
}
