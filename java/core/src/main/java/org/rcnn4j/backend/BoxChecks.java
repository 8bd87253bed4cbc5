package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Argument checks of the box ops (nms, batched_nms, box_iou, clip_boxes_to_image, remove_small_boxes,
 * AnchorGenerator, BoxCoder), shared by the CPU and CUDA backends so that both reject the same inputs with the
 * same messages. Boxes and scores are F32 on both backends.
 */
public final class BoxChecks {
    private BoxChecks() {
    }

    /** {@code name} is F32 [N,4]; returns N. */
    /**
     * box_iou's output size, checked before anything is allocated: n x m IoUs must fit one tensor (2^31-17 elements,
     * the largest Java array), or the product would overflow an int.
     */
    public static void iouSize(int n, int m) {
        if ((long) n * m > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("box_iou: boxes1 [" + n + ", 4] and boxes2 [" + m + ", 4] give "
                    + (long) n * m + " IoUs, more than one tensor holds (2^31-17)");
        }
    }

    public static int boxes(String name, Tensor boxes) {
        OpChecks.rows(name, boxes, 4);
        OpChecks.dtype(name, boxes, DType.F32);
        return boxes.size(0);
    }

    /** {@code name} is F32 [n] (one value per box of {@code boxesName}). */
    public static void perBox(String name, Tensor t, int n, String boxesName, DType... dtypes) {
        OpChecks.notNull(name, t);
        if (t.dim() != 1 || t.size(0) != n) {
            throw new IllegalArgumentException(name + ": expected shape [" + n + "] (one value per row of "
                    + boxesName + "), got " + Shapes.format(t.shape()));
        }
        OpChecks.dtype(name, t, dtypes);
    }

    /** boxes F32 [N,4] and scores F32 [N]; returns N. */
    public static int boxesAndScores(Tensor boxes, Tensor scores) {
        int n = boxes("boxes", boxes);
        perBox("scores", scores, n, "boxes", DType.F32);
        return n;
    }

    /** boxes F32 [..., 4] (at least one dimension, the last one 4). */
    public static void boxesLastDim4(String name, Tensor boxes) {
        OpChecks.notNull(name, boxes);
        if (boxes.dim() < 1 || boxes.size(-1) != 4) {
            throw new IllegalArgumentException(name + ": expected shape [..., 4], got " + Shapes.format(boxes.shape()));
        }
        OpChecks.dtype(name, boxes, DType.F32);
    }

    /** BoxCoder weights (wx, wy, ww, wh): four finite numbers. */
    public static void weights(float[] weights) {
        OpChecks.notNull("weights", weights);
        if (weights.length != 4) {
            throw new IllegalArgumentException("weights: expected 4 values (wx, wy, ww, wh), got " + weights.length);
        }
        for (float w : weights) {
            OpChecks.finite("weights", w);
        }
    }

    /** rel_codes F32 [K, 4C] against boxes F32 [K, 4]; returns C. */
    public static int decode(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip) {
        OpChecks.notNull("rel_codes", relCodes);
        if (relCodes.dim() != 2 || relCodes.size(1) % 4 != 0 || relCodes.size(1) == 0) {
            throw new IllegalArgumentException("rel_codes: expected shape [K,4*C] with C >= 1, got "
                    + Shapes.format(relCodes.shape()));
        }
        OpChecks.dtype("rel_codes", relCodes, DType.F32);
        int k = boxes("boxes", boxes);
        if (k != relCodes.size(0)) {
            throw new IllegalArgumentException("boxes: expected " + relCodes.size(0) + " rows (one per row of rel_codes), got "
                    + k);
        }
        weights(weights);
        if (Float.isNaN(bboxXformClip)) {
            throw new IllegalArgumentException("bbox_xform_clip: expected a number, got NaN");
        }
        return relCodes.size(1) / 4;
    }

    /** reference_boxes and proposals F32 [K,4] with the same K; returns K. */
    public static int encode(Tensor referenceBoxes, Tensor proposals, float[] weights) {
        int k = boxes("reference_boxes", referenceBoxes);
        int p = boxes("proposals", proposals);
        if (k != p) {
            throw new IllegalArgumentException("proposals: expected " + k + " rows (one per row of reference_boxes), got "
                    + p);
        }
        weights(weights);
        return k;
    }

    /** AnchorGenerator arguments for one level; returns the number of anchors per location A. */
    public static int anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        OpChecks.notNull("sizes", sizes);
        OpChecks.notNull("aspect_ratios", aspectRatios);
        if (sizes.length == 0) {
            throw new IllegalArgumentException("sizes: expected at least one anchor size, got none");
        }
        if (aspectRatios.length == 0) {
            throw new IllegalArgumentException("aspect_ratios: expected at least one aspect ratio, got none");
        }
        for (int s : sizes) {
            OpChecks.positive("sizes", s);
        }
        for (float r : aspectRatios) {
            if (!(r > 0) || Float.isInfinite(r)) {
                throw new IllegalArgumentException("aspect_ratios: expected finite positive ratios, got " + r);
            }
        }
        OpChecks.positive("image_height", imageHeight);
        OpChecks.positive("image_width", imageWidth);
        OpChecks.positive("feature_height", featureHeight);
        OpChecks.positive("feature_width", featureWidth);
        long a = (long) sizes.length * aspectRatios.length;
        long total = (long) featureHeight * featureWidth * a * 4;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature_height, feature_width: " + featureHeight + "x" + featureWidth
                    + " locations with " + a + " anchors each exceed 2^31-1 coordinates");
        }
        return (int) a;
    }

    /**
     * anchorsForLevels' arguments: one sizes list and one feature map per level, each level valid for
     * {@link #anchors}; returns the anchors per location of each level.
     */
    public static int[] anchorsForLevels(int[][] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int[] featureHeights, int[] featureWidths) {
        OpChecks.notNull("sizes", sizes);
        OpChecks.notNull("feature_heights", featureHeights);
        OpChecks.notNull("feature_widths", featureWidths);
        if (sizes.length == 0) {
            throw new IllegalArgumentException("sizes: expected the anchor sizes of at least one level, got none");
        }
        if (featureHeights.length != sizes.length || featureWidths.length != sizes.length) {
            throw new IllegalArgumentException("feature_heights, feature_widths: expected one per level ("
                    + sizes.length + " levels of sizes), got " + featureHeights.length + " and " + featureWidths.length);
        }
        int[] perLocation = new int[sizes.length];
        long total = 0;
        for (int l = 0; l < sizes.length; l++) {
            perLocation[l] = anchors(sizes[l], aspectRatios, imageHeight, imageWidth, featureHeights[l],
                    featureWidths[l]);
            total += (long) featureHeights[l] * featureWidths[l] * perLocation[l] * 4;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature_heights, feature_widths: the levels' anchors exceed 2^31-1 "
                    + "coordinates");
        }
        return perLocation;
    }
}
