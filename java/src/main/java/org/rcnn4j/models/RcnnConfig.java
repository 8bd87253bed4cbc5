package org.rcnn4j.models;

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
}
