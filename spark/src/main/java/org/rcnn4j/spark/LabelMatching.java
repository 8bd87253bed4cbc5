package org.rcnn4j.spark;

import org.rcnn4j.coco.LabelMap;

/**
 * How a results table's {@code category_id} (the model's label) becomes a ground-truth category id, as
 * {@code rcnn4j eval} does it for each kind of model.
 */
public enum LabelMatching {
    /** The label is the category id: torchvision's COCO detectors (a .pth), and models trained on ids 1..K. */
    IDS,
    /** Label k is the k-th smallest category id of the ground truth: models trained by rcnn4j on that dataset. */
    POSITIONS;

    DetectionRows.LabelToCategory mapping(LabelMap categories) {
        return this == IDS ? label -> label : label -> {
            if (label < 1 || label > categories.size()) {
                throw new IllegalArgumentException("category_id: label " + label + " has no category: the ground "
                        + "truth has " + categories.size() + " (labels 1.." + categories.size() + ")");
            }
            return categories.categoryId(label);
        };
    }
}
