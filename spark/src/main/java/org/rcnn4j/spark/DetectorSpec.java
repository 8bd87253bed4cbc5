package org.rcnn4j.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.detector.DetectorOptions;

/**
 * What {@link Rcnn4jSpark#detect} runs on every image: the weights (a file on the driver, shipped to the executors
 * once), the detector's options as {@link DetectorOptions} has them, and how the partitions are processed. Start
 * from {@link #of(Path)} and change what you need; a null threshold or size keeps the model's own.
 *
 * @param weights             the weight file on the driver: an rcnn4j model file or a torchvision .pth
 * @param model               the architecture (required for a .pth, e.g. maskrcnn_resnet50_fpn), or null
 * @param classNames          the class list without the background, or null: the file's (COCO's for a .pth)
 * @param device              {@code auto} (the GPU Spark's resource scheduling gave the task, else the CPU),
 *                            {@code cpu}, {@code cuda} (the task's GPU, else GPU 0), {@code cuda:N} or
 *                            {@code cuda-emu}
 * @param boxScoreThresh      torchvision's box_score_thresh
 * @param boxNmsThresh        box_nms_thresh
 * @param boxDetectionsPerImg box_detections_per_img
 * @param minSize             the transform's min_size
 * @param maxSize             the transform's max_size
 * @param maskThreshold       a pixel is in a mask when its probability is at least this; the default, the float
 *                            after 0.5, keeps the pixels above 0.5 as {@code rcnn4j detect} and {@code eval} do
 * @param batchSize           images per call of the network; a batch holds images of one size only (images of
 *                            other sizes wait for their own), so that each image gets what it gets alone
 * @param failFast            an unreadable image fails its task (and, after Spark's retries, the job) instead of
 *                            giving a row with an error
 * @param pathColumn          the column naming each image (binaryFile's {@code path})
 * @param contentColumn       the column holding each image's bytes (binaryFile's {@code content}); when the input
 *                            has no such column the executors read the path through Hadoop's file systems
 * @param testTimeAugmentation  run each image as these views and fuse their detections, or null: once, as it is
 */
public record DetectorSpec(String weights, String model, List<String> classNames, String device,
        Float boxScoreThresh, Float boxNmsThresh, Integer boxDetectionsPerImg, Integer minSize, Integer maxSize,
        float maskThreshold, int batchSize, boolean failFast, String pathColumn, String contentColumn,
        TestTimeAugmentation testTimeAugmentation) implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The mask threshold that keeps probabilities above 0.5 (BinaryMask keeps those at least the threshold). */
    public static final float ABOVE_HALF = Math.nextUp(0.5f);

    public DetectorSpec {
        if (weights == null || weights.isBlank()) {
            throw new IllegalArgumentException("weights: expected the path of a weight file on the driver");
        }
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device: expected auto, cpu, cuda, cuda:N or cuda-emu");
        }
        if (!(maskThreshold >= 0 && maskThreshold <= 1)) {
            throw new IllegalArgumentException("maskThreshold: expected a value in [0, 1], got " + maskThreshold);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize: expected 1..1024 images, got " + batchSize);
        }
        if (pathColumn == null || pathColumn.isBlank()) {
            throw new IllegalArgumentException("pathColumn: must name a column");
        }
        if (contentColumn == null || contentColumn.isBlank()) {
            throw new IllegalArgumentException("contentColumn: must name a column");
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** The weights in {@code file}, device auto, batches of 4, the model's own settings, binaryFile's columns. */
    public static DetectorSpec of(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("weights: must not be null");
        }
        return new DetectorSpec(file.toAbsolutePath().toString(), null, null, "auto", null, null, null, null, null,
                ABOVE_HALF, 4, false, "path", "content", null);
    }

    public DetectorSpec withModel(String m) {
        return new DetectorSpec(weights, m, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withClassNames(List<String> names) {
        return new DetectorSpec(weights, model, names, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withDevice(String d) {
        return new DetectorSpec(weights, model, classNames, d, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    /** torchvision's box_score_thresh, box_nms_thresh and box_detections_per_img (null keeps the model's). */
    public DetectorSpec withBoxInference(Float scoreThresh, Float nmsThresh, Integer detectionsPerImg) {
        return new DetectorSpec(weights, model, classNames, device, scoreThresh, nmsThresh, detectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withSizes(Integer min, Integer max) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                min, max, maskThreshold, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withMaskThreshold(float t) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, t, batchSize, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withBatchSize(int n) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, n, failFast, pathColumn, contentColumn, testTimeAugmentation);
    }

    public DetectorSpec withFailFast(boolean f) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, f, pathColumn, contentColumn, testTimeAugmentation);
    }

    /** The columns holding each image's path and (when present) bytes. */
    public DetectorSpec withColumns(String path, String content) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, path, content, testTimeAugmentation);
    }

    /** Runs each image as {@code tta}'s views and fuses their detections; null: once, as it is. */
    public DetectorSpec withTestTimeAugmentation(TestTimeAugmentation tta) {
        return new DetectorSpec(weights, model, classNames, device, boxScoreThresh, boxNmsThresh, boxDetectionsPerImg,
                minSize, maxSize, maskThreshold, batchSize, failFast, pathColumn, contentColumn, tta);
    }

    /** The detector's options on a device the task resolved (never "auto"). */
    DetectorOptions options(String resolvedDevice) {
        return new DetectorOptions(resolvedDevice, model, classNames, boxScoreThresh, boxNmsThresh,
                boxDetectionsPerImg, minSize, maxSize, maskThreshold, false, testTimeAugmentation);
    }
}
