package org.rcnn4j.detector;

/**
 * One detected instance, in the pixels of the image it was found in.
 *
 * @param classId       the model's label (for torchvision's COCO detectors, COCO's category id)
 * @param label         the class's name
 * @param score         the box head's score, in [0, 1]
 * @param x1            left edge of the box
 * @param y1            top edge
 * @param x2            right edge
 * @param y2            bottom edge
 * @param mask          the instance mask (Mask R-CNN), else null
 * @param maskProbabilities the pasted mask probabilities, row-major over the image, when
 *                      {@link DetectorOptions#keepMaskProbabilities()} asked for them, else null
 */
public record Detection(int classId, String label, float score, float x1, float y1, float x2, float y2,
        BinaryMask mask, float[] maskProbabilities) {

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d) %.3f [%.1f, %.1f, %.1f, %.1f]%s", label, classId, score,
                x1, y1, x2, y2, mask == null ? "" : " mask " + mask.area() + " px");
    }
}
