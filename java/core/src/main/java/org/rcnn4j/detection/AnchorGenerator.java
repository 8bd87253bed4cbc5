package org.rcnn4j.detection;

import org.rcnn4j.nn.Block;

/** torchvision's AnchorGenerator settings (no state): one size tuple and the aspect ratios per feature level. */
public final class AnchorGenerator extends Block {
    /** The FPN default: ((32,), (64,), (128,), (256,), (512,)) with ratios (0.5, 1, 2) on each level. */
    public static final int[][] FPN_SIZES = {{32}, {64}, {128}, {256}, {512}};
    public static final float[] FPN_ASPECT_RATIOS = {0.5f, 1.0f, 2.0f};

    private final int[][] sizes;
    private final float[] aspectRatios;

    /**
     * torchvision's AnchorGenerator(sizes, aspect_ratios): {@code sizes[l]} the anchor sizes (in pixels) of feature
     * level l, the same number on every level, and the aspect ratios (height / width) used on every level.
     */
    public AnchorGenerator(int[][] sizes, float[] aspectRatios) {
        if (sizes == null || sizes.length == 0) {
            throw new IllegalArgumentException("sizes: expected one tuple of anchor sizes per feature level");
        }
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] == null || sizes[l].length == 0 || sizes[l].length != sizes[0].length) {
                throw new IllegalArgumentException("sizes[" + l + "]: expected as many sizes as on level 0 ("
                        + sizes[0].length + "), got " + java.util.Arrays.toString(sizes[l]));
            }
            for (int v : sizes[l]) {
                if (v < 1) {
                    throw new IllegalArgumentException("sizes[" + l + "]: expected positive sizes, got "
                            + java.util.Arrays.toString(sizes[l]));
                }
            }
        }
        if (aspectRatios == null || aspectRatios.length == 0) {
            throw new IllegalArgumentException("aspect_ratios: expected at least one ratio");
        }
        for (float r : aspectRatios) {
            if (!(r > 0) || Float.isInfinite(r)) {
                throw new IllegalArgumentException("aspect_ratios: expected positive finite ratios, got "
                        + java.util.Arrays.toString(aspectRatios));
            }
        }
        this.sizes = new int[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            this.sizes[l] = sizes[l].clone();
        }
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
