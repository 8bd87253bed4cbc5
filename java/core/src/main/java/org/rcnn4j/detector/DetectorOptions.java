package org.rcnn4j.detector;

import java.util.List;
import org.rcnn4j.detection.TestTimeAugmentation;

/**
 * How {@link Detector#load} builds and runs a detector. Start from {@link #defaults()} and change what you need;
 * a null value keeps the model's own setting (torchvision's, for the COCO models).
 *
 * @param device                where it runs: {@code cpu}, {@code cuda} (GPU 0), {@code cuda:N} or {@code cuda-emu}
 * @param model                 the architecture, e.g. {@code maskrcnn_resnet50_fpn}; required for a {@code .pth},
 *                              optional for an rcnn4j model file (which names its own)
 * @param classNames            the class list without the background, in label order; null: the model file's, or
 *                              COCO's 90 (with torchvision's "N/A" gaps) for a 91-class torchvision file
 * @param boxScoreThresh        keep detections scoring at least this (torchvision's box_score_thresh, 0.05)
 * @param boxNmsThresh          per-class NMS IoU threshold (box_nms_thresh, 0.5)
 * @param boxDetectionsPerImg   the best N per image (box_detections_per_img, 100)
 * @param minSize               the transform's min_size (800 for the COCO models)
 * @param maxSize               the transform's max_size (1333)
 * @param maskThreshold         mask probability from which a pixel belongs to the instance (0.5)
 * @param keepMaskProbabilities also return each mask's pasted probabilities (a float per image pixel: large)
 * @param testTimeAugmentation  run each image as these views and fuse their detections; null: the image once
 */
public record DetectorOptions(String device, String model, List<String> classNames, Float boxScoreThresh,
        Float boxNmsThresh, Integer boxDetectionsPerImg, Integer minSize, Integer maxSize, float maskThreshold,
        boolean keepMaskProbabilities, TestTimeAugmentation testTimeAugmentation) {

    public DetectorOptions {
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device: must not be empty (cpu, cuda, cuda:N or cuda-emu)");
        }
        if (!(maskThreshold >= 0 && maskThreshold <= 1)) {
            throw new IllegalArgumentException("maskThreshold: expected a value in [0, 1], got " + maskThreshold);
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** On the CPU, the model and classes from the file, every threshold and size the model's own. */
    public static DetectorOptions defaults() {
        return new DetectorOptions("cpu", null, null, null, null, null, null, null, 0.5f, false, null);
    }

    public DetectorOptions withDevice(String d) {
        return new DetectorOptions(d, model, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg, minSize,
                maxSize, maskThreshold, keepMaskProbabilities, testTimeAugmentation);
    }

    public DetectorOptions withModel(String m) {
        return new DetectorOptions(device, m, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg, minSize,
                maxSize, maskThreshold, keepMaskProbabilities, testTimeAugmentation);
    }

    public DetectorOptions withClassNames(List<String> names) {
        return new DetectorOptions(device, model, names, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg, minSize,
                maxSize, maskThreshold, keepMaskProbabilities, testTimeAugmentation);
    }

    /** torchvision's box_score_thresh, box_nms_thresh and box_detections_per_img (null keeps the model's). */
    public DetectorOptions withBoxInference(Float scoreThresh, Float nmsThresh, Integer detectionsPerImg) {
        return new DetectorOptions(device, model, classNames, scoreThresh, nmsThresh, detectionsPerImg, minSize,
                maxSize, maskThreshold, keepMaskProbabilities, testTimeAugmentation);
    }

    /** The transform's min_size and max_size. */
    public DetectorOptions withSizes(int min, int max) {
        return new DetectorOptions(device, model, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg, min,
                max, maskThreshold, keepMaskProbabilities, testTimeAugmentation);
    }

    public DetectorOptions withMaskThreshold(float t) {
        return new DetectorOptions(device, model, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, t, keepMaskProbabilities, testTimeAugmentation);
    }

    public DetectorOptions withMaskProbabilities(boolean keep) {
        return new DetectorOptions(device, model, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, keep, testTimeAugmentation);
    }

    /** Runs each image as {@code tta}'s views (scales, mirrored) and fuses their detections; null: once, as it is. */
    public DetectorOptions withTestTimeAugmentation(TestTimeAugmentation tta) {
        return new DetectorOptions(device, model, classNames, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, keepMaskProbabilities, tta);
    }
}
