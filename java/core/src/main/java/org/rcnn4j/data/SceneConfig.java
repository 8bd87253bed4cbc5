package org.rcnn4j.data;

/**
 * How {@link FashionMnistScenes} composes a scene.
 *
 * @param height, width     canvas size in pixels
 * @param minItems, maxItems items placed per scene (uniform)
 * @param minScale, maxScale item size as a multiple of 28 px (uniform)
 * @param maxOccluded       an instance hidden by later items beyond this fraction of its own mask is dropped
 * @param minVisiblePixels  an instance with fewer visible pixels is dropped
 * @param maskThreshold     an item pixel belongs to the mask when its intensity (0..1) exceeds this
 */
public record SceneConfig(int height, int width, int minItems, int maxItems, double minScale, double maxScale,
        double maxOccluded, int minVisiblePixels, double maskThreshold) {

    public SceneConfig {
        if (height < 8 || width < 8) {
            throw new IllegalArgumentException("scene size must be at least 8x8, got " + height + "x" + width);
        }
        if (minItems < 1 || maxItems < minItems) {
            throw new IllegalArgumentException("items per scene must satisfy 1 <= min <= max, got " + minItems
                    + ".." + maxItems);
        }
        if (!(minScale > 0) || maxScale < minScale) {
            throw new IllegalArgumentException("scale must satisfy 0 < min <= max, got " + minScale + ".." + maxScale);
        }
        if (!(maxOccluded >= 0 && maxOccluded <= 1)) {
            throw new IllegalArgumentException("maxOccluded must be in [0, 1], got " + maxOccluded);
        }
        if (minVisiblePixels < 1) {
            throw new IllegalArgumentException("minVisiblePixels must be >= 1, got " + minVisiblePixels);
        }
        if (!(maskThreshold >= 0 && maskThreshold < 1)) {
            throw new IllegalArgumentException("maskThreshold must be in [0, 1), got " + maskThreshold);
        }
    }

    /** 128x128 canvas, 1..5 items at 0.75x..2.5x, drop instances more than 60% hidden. */
    public static SceneConfig defaults() {
        return sized(128, 128);
    }

    public static SceneConfig sized(int height, int width) {
        return new SceneConfig(height, width, 1, 5, 0.75, 2.5, 0.6, 24, 0.05);
    }
}
