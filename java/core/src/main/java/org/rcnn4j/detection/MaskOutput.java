package org.rcnn4j.detection;

import org.rcnn4j.tensor.Tensor;

/**
 * How {@link GeneralizedRcnn#detect(java.util.List, MaskOutput)} returns Mask R-CNN's masks, pasted into each
 * image: as probabilities (F32 [D, 1, H, W], torchvision's output) or as binary masks (U8 [D, 1, H, W], 1 inside),
 * a quarter of the memory, made a slice of detections at a time so that the probabilities of every detection never
 * exist at once. {@link #asCrops()} keeps each mask at its paste window instead ({@link MaskCrop}s in
 * {@link ImageDetections#crops()}): the same values, without the full-size masks, so any photo's masks fit.
 *
 * @param binary    U8 0/1 masks instead of F32 probabilities
 * @param threshold the probability a pixel must reach to be inside (binary masks)
 * @param inclusive inside at {@code p >= threshold}, else at {@code p > threshold}
 * @param cropped   each mask kept at its paste window ({@link ImageDetections#crops()}), not pasted at full size
 */
public record MaskOutput(boolean binary, float threshold, boolean inclusive, boolean cropped) {
    /** Masks pasted at full size ({@link ImageDetections#masks()}). */
    public MaskOutput(boolean binary, float threshold, boolean inclusive) {
        this(binary, threshold, inclusive, false);
    }

    /** Probabilities, F32 [D, 1, H, W], as torchvision returns them. */
    public static MaskOutput probabilities() {
        return new MaskOutput(false, 0f, false);
    }

    /** Binary masks, inside where the probability is above {@code threshold} (COCO results: {@code > 0.5}). */
    public static MaskOutput above(float threshold) {
        return new MaskOutput(true, threshold, false);
    }

    /** Binary masks, inside where the probability is at least {@code threshold}. */
    public static MaskOutput atLeast(float threshold) {
        return new MaskOutput(true, threshold, true);
    }

    /**
     * The most detections whose binary masks of an image of {@code height} x {@code width} fit in one Java array (one
     * byte a pixel): the bound on a binary {@link GeneralizedRcnn#detect(java.util.List, MaskOutput)} of that image
     * at full size (cropped masks have no such bound).
     */
    public static long maxBinaryMasks(int height, int width) {
        return (Integer.MAX_VALUE - 8L) / Math.max(1L, (long) height * width);
    }

    /**
     * The same masks, each kept at its paste window as a {@link MaskCrop} ({@link ImageDetections#crops()}, with
     * {@link ImageDetections#masks()} null): e.g. {@code MaskOutput.above(0.5f).asCrops()}.
     */
    public MaskOutput asCrops() {
        return new MaskOutput(binary, threshold, inclusive, true);
    }

    boolean inside(float p) {
        return inclusive ? p >= threshold : p > threshold;
    }

    /** Host F32 probabilities of any shape as U8 0/1 of the same shape, 1 where {@link #inside}. */
    Tensor inside(Tensor probabilities) {
        float[] p = probabilities.floats();
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = inside(p[i]) ? (byte) 1 : 0;
        }
        return Tensor.ofBytes(out, probabilities.shape());
    }
}
