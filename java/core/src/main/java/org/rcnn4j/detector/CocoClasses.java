package org.rcnn4j.detector;

import java.util.List;

/**
 * COCO's category names as torchvision lists them for its COCO-trained detectors: 91 entries indexed by label
 * (which is COCO's category id), entry 0 the background and "N/A" at the ids COCO 2017 does not use (12, 26, 29,
 * 30, 45, 66, 68, 69, 71, 83).
 */
public final class CocoClasses {
    /** Label 0's name. */
    public static final String BACKGROUND = "__background__";
    /** The name of an id COCO does not use. */
    public static final String UNUSED = "N/A";

    private static final List<String> NAMES = List.of(
            BACKGROUND, "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
            "traffic light", "fire hydrant", UNUSED, "stop sign", "parking meter", "bench", "bird", "cat", "dog",
            "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", UNUSED, "backpack", "umbrella", UNUSED,
            UNUSED, "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
            "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", UNUSED,
            "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
            "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
            UNUSED, "dining table", UNUSED, UNUSED, "toilet", UNUSED, "tv", "laptop", "mouse", "remote", "keyboard",
            "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", UNUSED, "book", "clock", "vase",
            "scissors", "teddy bear", "hair drier", "toothbrush");

    private CocoClasses() {
    }

    /** All 91 entries, background first: {@code withBackground().get(label)} names a detection's label. */
    public static List<String> withBackground() {
        return NAMES;
    }

    /** Entries 1..90: the class list of a 91-class detector as rcnn4j's model files store it (no background). */
    public static List<String> names() {
        return NAMES.subList(1, NAMES.size());
    }
}
