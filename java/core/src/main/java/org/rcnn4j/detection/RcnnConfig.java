package org.rcnn4j.detection;

/**
 * torchvision's FasterRCNN / MaskRCNN constructor defaults (models/detection/faster_rcnn.py), the settings the
 * detection forward pass will use. Pre/post NMS top-n are per level / per image, test values.
 */
public record RcnnConfig(
        int minSize, int maxSize, float[] imageMean, float[] imageStd, int sizeDivisible,
        int rpnPreNmsTopNTrain, int rpnPreNmsTopNTest, int rpnPostNmsTopNTrain, int rpnPostNmsTopNTest,
        float rpnNmsThresh, float rpnFgIouThresh, float rpnBgIouThresh, int rpnBatchSizePerImage,
        float rpnPositiveFraction, float rpnScoreThresh,
        float boxScoreThresh, float boxNmsThresh, int boxDetectionsPerImg, float boxFgIouThresh,
        float boxBgIouThresh, int boxBatchSizePerImage, float boxPositiveFraction, float[] bboxRegWeights) {

    public static RcnnConfig torchvisionDefaults() {
        return new RcnnConfig(
                800, 1333, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 32,
                2000, 1000, 2000, 1000,
                0.7f, 0.7f, 0.3f, 256, 0.5f, 0.0f,
                0.05f, 0.5f, 100, 0.5f, 0.5f, 512, 0.25f, new float[] {10f, 10f, 5f, 5f});
    }

    /**
     * These settings with other inference thresholds of the box head (torchvision's box_score_thresh,
     * box_nms_thresh, box_detections_per_img): what {@code detect} keeps, not what training sees.
     */
    public RcnnConfig withBoxInference(float scoreThresh, float nmsThresh, int detectionsPerImg) {
        if (!(scoreThresh >= 0 && scoreThresh <= 1)) {
            throw new IllegalArgumentException("box_score_thresh must be in [0, 1], got " + scoreThresh);
        }
        if (!(nmsThresh >= 0 && nmsThresh <= 1)) {
            throw new IllegalArgumentException("box_nms_thresh must be in [0, 1], got " + nmsThresh);
        }
        if (detectionsPerImg < 1) {
            throw new IllegalArgumentException("box_detections_per_img must be >= 1, got " + detectionsPerImg);
        }
        return new RcnnConfig(minSize, maxSize, imageMean, imageStd, sizeDivisible,
                rpnPreNmsTopNTrain, rpnPreNmsTopNTest, rpnPostNmsTopNTrain, rpnPostNmsTopNTest,
                rpnNmsThresh, rpnFgIouThresh, rpnBgIouThresh, rpnBatchSizePerImage, rpnPositiveFraction, rpnScoreThresh,
                scoreThresh, nmsThresh, detectionsPerImg, boxFgIouThresh, boxBgIouThresh, boxBatchSizePerImage,
                boxPositiveFraction, bboxRegWeights);
    }
}
