package org.rcnn4j.detection;

import java.util.Arrays;

/**
 * The settings of a Faster / Mask R-CNN's forward passes, under torchvision's parameter names (FasterRCNN's
 * constructor, models/detection/faster_rcnn.py): the transform's sizes, mean and std; the RPN's top-n, NMS,
 * matcher and sampler; the box head's matcher, sampler, box coder weights and inference thresholds. Pre-NMS top-n
 * is per level, post-NMS top-n per image. Immutable: {@link #builder()} starts from torchvision 0.14's defaults,
 * {@link #toBuilder()} from these values; the detector builders ({@link FasterRcnn}, {@link MaskRcnn}) set them one
 * by one.
 */
public final class RcnnConfig {
    /** The most {@link #boxRefinements()} a config takes: each costs one more pass of the box head. */
    public static final int MAX_BOX_REFINEMENTS = 8;

    private final int minSize;
    private final int maxSize;
    private final float[] imageMean;
    private final float[] imageStd;
    private final int sizeDivisible;
    private final int rpnPreNmsTopNTrain;
    private final int rpnPreNmsTopNTest;
    private final int rpnPostNmsTopNTrain;
    private final int rpnPostNmsTopNTest;
    private final float rpnNmsThresh;
    private final float rpnFgIouThresh;
    private final float rpnBgIouThresh;
    private final int rpnBatchSizePerImage;
    private final float rpnPositiveFraction;
    private final float rpnScoreThresh;
    private final float boxScoreThresh;
    private final float boxNmsThresh;
    private final int boxDetectionsPerImg;
    private final float boxFgIouThresh;
    private final float boxBgIouThresh;
    private final int boxBatchSizePerImage;
    private final float boxPositiveFraction;
    private final float[] bboxRegWeights;
    private final int boxRefinements;

    private RcnnConfig(Builder b) {
        minSize = b.minSize;
        maxSize = b.maxSize;
        imageMean = b.imageMean.clone();
        imageStd = b.imageStd.clone();
        sizeDivisible = b.sizeDivisible;
        rpnPreNmsTopNTrain = b.rpnPreNmsTopNTrain;
        rpnPreNmsTopNTest = b.rpnPreNmsTopNTest;
        rpnPostNmsTopNTrain = b.rpnPostNmsTopNTrain;
        rpnPostNmsTopNTest = b.rpnPostNmsTopNTest;
        rpnNmsThresh = b.rpnNmsThresh;
        rpnFgIouThresh = b.rpnFgIouThresh;
        rpnBgIouThresh = b.rpnBgIouThresh;
        rpnBatchSizePerImage = b.rpnBatchSizePerImage;
        rpnPositiveFraction = b.rpnPositiveFraction;
        rpnScoreThresh = b.rpnScoreThresh;
        boxScoreThresh = b.boxScoreThresh;
        boxNmsThresh = b.boxNmsThresh;
        boxDetectionsPerImg = b.boxDetectionsPerImg;
        boxFgIouThresh = b.boxFgIouThresh;
        boxBgIouThresh = b.boxBgIouThresh;
        boxBatchSizePerImage = b.boxBatchSizePerImage;
        boxPositiveFraction = b.boxPositiveFraction;
        bboxRegWeights = b.bboxRegWeights.clone();
        boxRefinements = b.boxRefinements;
    }

    /** torchvision 0.14's FasterRCNN / MaskRCNN defaults. */
    public static RcnnConfig torchvisionDefaults() {
        return builder().build();
    }

    /** A builder holding torchvision 0.14's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * These settings with other inference thresholds of the box head (torchvision's box_score_thresh,
     * box_nms_thresh, box_detections_per_img): what {@code detect} keeps, not what training sees.
     */
    public RcnnConfig withBoxInference(float scoreThresh, float nmsThresh, int detectionsPerImg) {
        return toBuilder().boxScoreThresh(scoreThresh).boxNmsThresh(nmsThresh).boxDetectionsPerImg(detectionsPerImg)
                .build();
    }

    /** The transform's resize: the shorter side to {@code minSize} unless the longer would exceed {@code maxSize}. */
    public RcnnConfig withTransformSizes(int minSize, int maxSize) {
        return toBuilder().minSize(minSize).maxSize(maxSize).build();
    }

    /** min_size: the shorter side of a resized image (unless the longer would exceed {@link #maxSize}). */
    public int minSize() {
        return minSize;
    }

    /** max_size: the longest a resized image's longer side may be. */
    public int maxSize() {
        return maxSize;
    }

    /** image_mean, one per channel (a copy). */
    public float[] imageMean() {
        return imageMean.clone();
    }

    /** image_std, one per channel (a copy). */
    public float[] imageStd() {
        return imageStd.clone();
    }

    /** size_divisible: the batch is zero-padded to multiples of it. */
    public int sizeDivisible() {
        return sizeDivisible;
    }

    public int rpnPreNmsTopNTrain() {
        return rpnPreNmsTopNTrain;
    }

    public int rpnPreNmsTopNTest() {
        return rpnPreNmsTopNTest;
    }

    public int rpnPostNmsTopNTrain() {
        return rpnPostNmsTopNTrain;
    }

    public int rpnPostNmsTopNTest() {
        return rpnPostNmsTopNTest;
    }

    public float rpnNmsThresh() {
        return rpnNmsThresh;
    }

    public float rpnFgIouThresh() {
        return rpnFgIouThresh;
    }

    public float rpnBgIouThresh() {
        return rpnBgIouThresh;
    }

    public int rpnBatchSizePerImage() {
        return rpnBatchSizePerImage;
    }

    public float rpnPositiveFraction() {
        return rpnPositiveFraction;
    }

    public float rpnScoreThresh() {
        return rpnScoreThresh;
    }

    public float boxScoreThresh() {
        return boxScoreThresh;
    }

    public float boxNmsThresh() {
        return boxNmsThresh;
    }

    public int boxDetectionsPerImg() {
        return boxDetectionsPerImg;
    }

    public float boxFgIouThresh() {
        return boxFgIouThresh;
    }

    public float boxBgIouThresh() {
        return boxBgIouThresh;
    }

    public int boxBatchSizePerImage() {
        return boxBatchSizePerImage;
    }

    public float boxPositiveFraction() {
        return boxPositiveFraction;
    }

    /** bbox_reg_weights (wx, wy, ww, wh) of the box head's BoxCoder (a copy). */
    public float[] bboxRegWeights() {
        return bboxRegWeights.clone();
    }

    /**
     * How many times inference runs the box head again on its own refined boxes (0, torchvision's single pass, by
     * default; not a torchvision parameter): each proposal becomes the box its most probable class regresses to,
     * is pooled and classified again, and the detections are scored by the class probabilities averaged over the
     * passes and boxed by the last pass's regression (iterative bounding-box regression at inference, as Gidaris
     * and Komodakis's multi-region detector and Cascade R-CNN's "iterative BBox" baseline run one head). Training
     * is unchanged.
     */
    public int boxRefinements() {
        return boxRefinements;
    }

    @Override
    public String toString() {
        return "RcnnConfig[min_size=" + minSize + ", max_size=" + maxSize + ", image_mean="
                + Arrays.toString(imageMean) + ", image_std=" + Arrays.toString(imageStd) + ", size_divisible="
                + sizeDivisible + ", rpn_pre_nms_top_n=" + rpnPreNmsTopNTrain + "/" + rpnPreNmsTopNTest
                + ", rpn_post_nms_top_n=" + rpnPostNmsTopNTrain + "/" + rpnPostNmsTopNTest + ", rpn_nms_thresh="
                + rpnNmsThresh + ", rpn_fg/bg_iou_thresh=" + rpnFgIouThresh + "/" + rpnBgIouThresh
                + ", rpn_batch_size_per_image=" + rpnBatchSizePerImage + ", rpn_positive_fraction="
                + rpnPositiveFraction + ", rpn_score_thresh=" + rpnScoreThresh + ", box_score_thresh="
                + boxScoreThresh + ", box_nms_thresh=" + boxNmsThresh + ", box_detections_per_img="
                + boxDetectionsPerImg + ", box_fg/bg_iou_thresh=" + boxFgIouThresh + "/" + boxBgIouThresh
                + ", box_batch_size_per_image=" + boxBatchSizePerImage + ", box_positive_fraction="
                + boxPositiveFraction + ", bbox_reg_weights=" + Arrays.toString(bboxRegWeights) + ", box_refinements="
                + boxRefinements + "]";
    }

    /**
     * Settings one by one, each checked when set (the exception names torchvision's parameter); {@link #build}
     * checks what depends on two of them (fg/bg thresholds, mean and std lengths).
     */
    public static final class Builder {
        private int minSize = 800;
        private int maxSize = 1333;
        private float[] imageMean = {0.485f, 0.456f, 0.406f};
        private float[] imageStd = {0.229f, 0.224f, 0.225f};
        private int sizeDivisible = 32;
        private int rpnPreNmsTopNTrain = 2000;
        private int rpnPreNmsTopNTest = 1000;
        private int rpnPostNmsTopNTrain = 2000;
        private int rpnPostNmsTopNTest = 1000;
        private float rpnNmsThresh = 0.7f;
        private float rpnFgIouThresh = 0.7f;
        private float rpnBgIouThresh = 0.3f;
        private int rpnBatchSizePerImage = 256;
        private float rpnPositiveFraction = 0.5f;
        private float rpnScoreThresh = 0.0f;
        private float boxScoreThresh = 0.05f;
        private float boxNmsThresh = 0.5f;
        private int boxDetectionsPerImg = 100;
        private float boxFgIouThresh = 0.5f;
        private float boxBgIouThresh = 0.5f;
        private int boxBatchSizePerImage = 512;
        private float boxPositiveFraction = 0.25f;
        private float[] bboxRegWeights = {10f, 10f, 5f, 5f};
        private int boxRefinements = 0;

        private Builder() {
        }

        private Builder(RcnnConfig c) {
            minSize = c.minSize;
            maxSize = c.maxSize;
            imageMean = c.imageMean.clone();
            imageStd = c.imageStd.clone();
            sizeDivisible = c.sizeDivisible;
            rpnPreNmsTopNTrain = c.rpnPreNmsTopNTrain;
            rpnPreNmsTopNTest = c.rpnPreNmsTopNTest;
            rpnPostNmsTopNTrain = c.rpnPostNmsTopNTrain;
            rpnPostNmsTopNTest = c.rpnPostNmsTopNTest;
            rpnNmsThresh = c.rpnNmsThresh;
            rpnFgIouThresh = c.rpnFgIouThresh;
            rpnBgIouThresh = c.rpnBgIouThresh;
            rpnBatchSizePerImage = c.rpnBatchSizePerImage;
            rpnPositiveFraction = c.rpnPositiveFraction;
            rpnScoreThresh = c.rpnScoreThresh;
            boxScoreThresh = c.boxScoreThresh;
            boxNmsThresh = c.boxNmsThresh;
            boxDetectionsPerImg = c.boxDetectionsPerImg;
            boxFgIouThresh = c.boxFgIouThresh;
            boxBgIouThresh = c.boxBgIouThresh;
            boxBatchSizePerImage = c.boxBatchSizePerImage;
            boxPositiveFraction = c.boxPositiveFraction;
            boxRefinements = c.boxRefinements;
            bboxRegWeights = c.bboxRegWeights.clone();
        }

        public Builder minSize(int v) {
            minSize = positive("min_size", v);
            return this;
        }

        public Builder maxSize(int v) {
            maxSize = positive("max_size", v);
            return this;
        }

        /** image_mean: one value per image channel. */
        public Builder imageMean(float... v) {
            imageMean = finite("image_mean", v).clone();
            return this;
        }

        /** image_std: one positive value per image channel. */
        public Builder imageStd(float... v) {
            finite("image_std", v);
            for (float x : v) {
                if (!(x > 0)) {
                    throw new IllegalArgumentException("image_std: expected positive values, got "
                            + Arrays.toString(v));
                }
            }
            imageStd = v.clone();
            return this;
        }

        public Builder sizeDivisible(int v) {
            sizeDivisible = positive("size_divisible", v);
            return this;
        }

        public Builder rpnPreNmsTopNTrain(int v) {
            rpnPreNmsTopNTrain = positive("rpn_pre_nms_top_n_train", v);
            return this;
        }

        public Builder rpnPreNmsTopNTest(int v) {
            rpnPreNmsTopNTest = positive("rpn_pre_nms_top_n_test", v);
            return this;
        }

        public Builder rpnPostNmsTopNTrain(int v) {
            rpnPostNmsTopNTrain = positive("rpn_post_nms_top_n_train", v);
            return this;
        }

        public Builder rpnPostNmsTopNTest(int v) {
            rpnPostNmsTopNTest = positive("rpn_post_nms_top_n_test", v);
            return this;
        }

        public Builder rpnNmsThresh(float v) {
            rpnNmsThresh = unit("rpn_nms_thresh", v);
            return this;
        }

        public Builder rpnFgIouThresh(float v) {
            rpnFgIouThresh = unit("rpn_fg_iou_thresh", v);
            return this;
        }

        public Builder rpnBgIouThresh(float v) {
            rpnBgIouThresh = unit("rpn_bg_iou_thresh", v);
            return this;
        }

        public Builder rpnBatchSizePerImage(int v) {
            rpnBatchSizePerImage = positive("rpn_batch_size_per_image", v);
            return this;
        }

        public Builder rpnPositiveFraction(float v) {
            rpnPositiveFraction = unit("rpn_positive_fraction", v);
            return this;
        }

        public Builder rpnScoreThresh(float v) {
            rpnScoreThresh = unit("rpn_score_thresh", v);
            return this;
        }

        public Builder boxScoreThresh(float v) {
            boxScoreThresh = unit("box_score_thresh", v);
            return this;
        }

        public Builder boxNmsThresh(float v) {
            boxNmsThresh = unit("box_nms_thresh", v);
            return this;
        }

        public Builder boxDetectionsPerImg(int v) {
            boxDetectionsPerImg = positive("box_detections_per_img", v);
            return this;
        }

        public Builder boxFgIouThresh(float v) {
            boxFgIouThresh = unit("box_fg_iou_thresh", v);
            return this;
        }

        public Builder boxBgIouThresh(float v) {
            boxBgIouThresh = unit("box_bg_iou_thresh", v);
            return this;
        }

        public Builder boxBatchSizePerImage(int v) {
            boxBatchSizePerImage = positive("box_batch_size_per_image", v);
            return this;
        }

        public Builder boxPositiveFraction(float v) {
            boxPositiveFraction = unit("box_positive_fraction", v);
            return this;
        }

        /** {@link RcnnConfig#boxRefinements()}: 0 (torchvision's single pass) up to {@link #MAX_BOX_REFINEMENTS}. */
        public Builder boxRefinements(int v) {
            if (v < 0 || v > MAX_BOX_REFINEMENTS) {
                throw new IllegalArgumentException("box_refinements: expected 0.." + MAX_BOX_REFINEMENTS + ", got "
                        + v);
            }
            boxRefinements = v;
            return this;
        }

        /** bbox_reg_weights: the four positive weights (wx, wy, ww, wh) of the box head's BoxCoder. */
        public Builder bboxRegWeights(float... v) {
            finite("bbox_reg_weights", v);
            if (v.length != 4 || !(v[0] > 0 && v[1] > 0 && v[2] > 0 && v[3] > 0)) {
                throw new IllegalArgumentException("bbox_reg_weights: expected four positive weights, got "
                        + Arrays.toString(v));
            }
            bboxRegWeights = v.clone();
            return this;
        }

        /**
         * @throws IllegalArgumentException a background threshold above its foreground one, or image_mean and
         *                                  image_std of different lengths
         */
        public RcnnConfig build() {
            if (rpnBgIouThresh > rpnFgIouThresh) {
                throw new IllegalArgumentException("rpn_bg_iou_thresh (" + rpnBgIouThresh
                        + ") must not exceed rpn_fg_iou_thresh (" + rpnFgIouThresh + ")");
            }
            if (boxBgIouThresh > boxFgIouThresh) {
                throw new IllegalArgumentException("box_bg_iou_thresh (" + boxBgIouThresh
                        + ") must not exceed box_fg_iou_thresh (" + boxFgIouThresh + ")");
            }
            if (imageMean.length != imageStd.length) {
                throw new IllegalArgumentException("image_mean and image_std: expected one value per channel each, "
                        + "got " + imageMean.length + " and " + imageStd.length);
            }
            return new RcnnConfig(this);
        }

        private static int positive(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }

        private static float unit(String name, float v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
            }
            return v;
        }

        private static float[] finite(String name, float[] v) {
            if (v == null || v.length == 0) {
                throw new IllegalArgumentException(name + ": expected at least one value");
            }
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(name + ": expected finite values, got " + Arrays.toString(v));
                }
            }
            return v;
        }
    }
}
