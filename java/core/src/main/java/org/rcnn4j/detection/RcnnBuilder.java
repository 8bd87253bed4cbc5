package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.detection.backbone.Backbone;
import org.rcnn4j.nn.Block;

/**
 * What {@link FasterRcnn.Builder} and {@link MaskRcnn.Builder} share: torchvision's FasterRCNN constructor as
 * setters, each named after its parameter (rpn_pre_nms_top_n_train is {@code rpnPreNmsTopNTrain}). A part not set
 * is torchvision's default for the backbone's width; a setting not set is torchvision 0.14's default
 * ({@link RcnnConfig#builder()}). {@link #build} checks that the parts fit each other and the backbone, and a
 * builder builds one detector (its parts are not shared between models).
 *
 * @param <B> the concrete builder, which every setter returns
 */
public abstract class RcnnBuilder<B extends RcnnBuilder<B>> {
    /** torchvision's representation_size of the default TwoMLPHead. */
    public static final int REPRESENTATION_SIZE = 1024;
    /** torchvision's default box RoI pool: MultiScaleRoIAlign(["0", "1", "2", "3"], 7, 2). */
    public static final List<String> FPN_ROI_MAPS = List.of("0", "1", "2", "3");

    final Backbone backbone;
    private RcnnConfig.Builder config = RcnnConfig.builder();
    private Integer numClasses;
    private AnchorGenerator anchorGenerator;
    private ProposalHead rpnHead;
    private List<String> rpnFeatureNames;
    private MultiScaleRoIAlign boxRoiPool;
    private BoxHead boxHead;
    private BoxPredictor boxPredictor;
    private boolean built;

    <K extends Block & Backbone> RcnnBuilder(K backbone) {
        Parts.block("backbone", backbone);
        if (backbone.outChannels() < 1) {
            throw new IllegalArgumentException("backbone: out_channels must be >= 1, got " + backbone.outChannels());
        }
        this.backbone = backbone;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    // ---- parts ----------------------------------------------------------------------------------------------

    /**
     * num_classes, background included (at least 2). Needed unless a box predictor is given; if both are, they
     * must agree.
     */
    public B numClasses(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("num_classes must be >= 2 (the background and at least one class), "
                    + "got " + n);
        }
        numClasses = n;
        return self();
    }

    /**
     * rpn_anchor_generator: one size tuple per feature map the RPN reads (default: sizes 32, 64, 128, 256, 512 on
     * the five FPN maps, aspect ratios 0.5, 1, 2).
     */
    public B rpnAnchorGenerator(AnchorGenerator generator) {
        anchorGenerator = (AnchorGenerator) Parts.block("rpn_anchor_generator", generator);
        return self();
    }

    /** rpn_head (default: {@link RpnHead} on the backbone's channels, for the generator's anchors per location). */
    public <H extends Block & ProposalHead> B rpnHead(H head) {
        Parts.block("rpn_head", head);
        rpnHead = head;
        return self();
    }

    /**
     * Which of the backbone's maps the RPN reads, in order (an rcnn4j extension; default: all of them, as
     * torchvision). The RoI pools name their maps themselves.
     */
    public B rpnFeatureNames(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("rpnFeatureNames: expected at least one feature map name");
        }
        rpnFeatureNames = List.of(names);
        return self();
    }

    /** box_roi_pool: the maps the box head pools from, its output size and sampling ratio (default: 0..3, 7, 2). */
    public B boxRoiPool(MultiScaleRoIAlign pool) {
        boxRoiPool = (MultiScaleRoIAlign) Parts.block("box_roi_pool", pool);
        return self();
    }

    /** box_head (default: {@link TwoMlpHead}(channels x output size², 1024)). */
    public <H extends Block & BoxHead> B boxHead(H head) {
        Parts.block("box_head", head);
        if (head.outputSize() < 1) {
            throw new IllegalArgumentException("box_head: output size must be >= 1, got " + head.outputSize());
        }
        boxHead = head;
        return self();
    }

    /** box_predictor (default: {@link FastRcnnPredictor}(the box head's output size, num_classes)). */
    public <P extends Block & BoxPredictor> B boxPredictor(P predictor) {
        Parts.block("box_predictor", predictor);
        if (predictor.numClasses() < 2) {
            throw new IllegalArgumentException("box_predictor: must score at least 2 classes (the background and "
                    + "one class), got " + predictor.numClasses());
        }
        boxPredictor = predictor;
        return self();
    }

    // ---- settings -------------------------------------------------------------------------------------------

    /** Every setting at once (the parts stay as set); later setters change single ones. */
    public B config(RcnnConfig settings) {
        if (settings == null) {
            throw new IllegalArgumentException("config: must not be null");
        }
        config = settings.toBuilder();
        return self();
    }

    /** min_size (800): the shorter side of a resized image. */
    public B minSize(int v) {
        config.minSize(v);
        return self();
    }

    /** max_size (1333): the longest a resized image's longer side may be. */
    public B maxSize(int v) {
        config.maxSize(v);
        return self();
    }

    /** image_mean (0.485, 0.456, 0.406). */
    public B imageMean(float... v) {
        config.imageMean(v);
        return self();
    }

    /** image_std (0.229, 0.224, 0.225). */
    public B imageStd(float... v) {
        config.imageStd(v);
        return self();
    }

    /** size_divisible (32): the batch is zero-padded to multiples of it. */
    public B sizeDivisible(int v) {
        config.sizeDivisible(v);
        return self();
    }

    /** rpn_pre_nms_top_n_train (2000), per feature level. */
    public B rpnPreNmsTopNTrain(int v) {
        config.rpnPreNmsTopNTrain(v);
        return self();
    }

    /** rpn_pre_nms_top_n_test (1000), per feature level. */
    public B rpnPreNmsTopNTest(int v) {
        config.rpnPreNmsTopNTest(v);
        return self();
    }

    /** rpn_post_nms_top_n_train (2000), per image. */
    public B rpnPostNmsTopNTrain(int v) {
        config.rpnPostNmsTopNTrain(v);
        return self();
    }

    /** rpn_post_nms_top_n_test (1000), per image. */
    public B rpnPostNmsTopNTest(int v) {
        config.rpnPostNmsTopNTest(v);
        return self();
    }

    /** rpn_nms_thresh (0.7). */
    public B rpnNmsThresh(float v) {
        config.rpnNmsThresh(v);
        return self();
    }

    /** rpn_fg_iou_thresh (0.7): an anchor overlapping a ground-truth box this much is foreground. */
    public B rpnFgIouThresh(float v) {
        config.rpnFgIouThresh(v);
        return self();
    }

    /** rpn_bg_iou_thresh (0.3): an anchor overlapping every ground-truth box less is background. */
    public B rpnBgIouThresh(float v) {
        config.rpnBgIouThresh(v);
        return self();
    }

    /** rpn_batch_size_per_image (256): anchors sampled per image for the RPN's losses. */
    public B rpnBatchSizePerImage(int v) {
        config.rpnBatchSizePerImage(v);
        return self();
    }

    /** rpn_positive_fraction (0.5). */
    public B rpnPositiveFraction(float v) {
        config.rpnPositiveFraction(v);
        return self();
    }

    /** rpn_score_thresh (0.0): proposals scoring less are dropped. */
    public B rpnScoreThresh(float v) {
        config.rpnScoreThresh(v);
        return self();
    }

    /** box_score_thresh (0.05): detections scoring less are dropped. */
    public B boxScoreThresh(float v) {
        config.boxScoreThresh(v);
        return self();
    }

    /** box_nms_thresh (0.5): per-class NMS of the detections. */
    public B boxNmsThresh(float v) {
        config.boxNmsThresh(v);
        return self();
    }

    /** box_detections_per_img (100). */
    public B boxDetectionsPerImg(int v) {
        config.boxDetectionsPerImg(v);
        return self();
    }

    /** box_fg_iou_thresh (0.5): a proposal overlapping a ground-truth box this much is foreground. */
    public B boxFgIouThresh(float v) {
        config.boxFgIouThresh(v);
        return self();
    }

    /** box_bg_iou_thresh (0.5): a proposal overlapping every ground-truth box less is background. */
    public B boxBgIouThresh(float v) {
        config.boxBgIouThresh(v);
        return self();
    }

    /** box_batch_size_per_image (512): proposals sampled per image for the box head's losses. */
    public B boxBatchSizePerImage(int v) {
        config.boxBatchSizePerImage(v);
        return self();
    }

    /** box_positive_fraction (0.25). */
    public B boxPositiveFraction(float v) {
        config.boxPositiveFraction(v);
        return self();
    }

    /** bbox_reg_weights (10, 10, 5, 5): the box head's BoxCoder weights. */
    public B bboxRegWeights(float... v) {
        config.bboxRegWeights(v);
        return self();
    }

    // ---- assembly -------------------------------------------------------------------------------------------

    /** The detector, its values not allocated yet: call {@code initialize(seed)} or load a state dict. */
    public abstract GeneralizedRcnn build();

    /** The resolved class count (background included). */
    int resolvedNumClasses() {
        if (boxPredictor != null) {
            if (numClasses != null && numClasses != boxPredictor.numClasses()) {
                throw new IllegalArgumentException("num_classes (" + numClasses + ") differs from the box_predictor's ("
                        + boxPredictor.numClasses() + "): give one of them");
            }
            return boxPredictor.numClasses();
        }
        if (numClasses == null) {
            throw new IllegalArgumentException("num_classes: give the number of classes (background included) or a "
                    + "box_predictor");
        }
        return numClasses;
    }

    /** Checks that every map {@code part} names is among the backbone's (when it declares them). */
    void requireMaps(String part, List<String> names) {
        List<String> maps = backbone.featureNames();
        if (maps == null) {
            return;
        }
        List<String> absent = new ArrayList<>(names);
        absent.removeAll(maps);
        if (!absent.isEmpty()) {
            throw new IllegalArgumentException(part + ": feature maps " + absent + " are not among the backbone's "
                    + maps);
        }
    }

    /** The detector with these mask parts (all null for Faster R-CNN), every part checked against the others. */
    GeneralizedRcnn assemble(MultiScaleRoIAlign maskRoiPool, MaskHead maskHead, MaskPredictor maskPredictor) {
        if (built) {
            throw new IllegalStateException("this builder has built its detector already: its parts belong to that "
                    + "model; start a new builder for another");
        }
        RcnnConfig settings = config.build();
        int classes = resolvedNumClasses();
        int channels = backbone.outChannels();

        AnchorGenerator anchors = anchorGenerator != null ? anchorGenerator : AnchorGenerator.fpnDefault();
        List<String> rpnMaps = rpnFeatureNames != null ? rpnFeatureNames : backbone.featureNames();
        if (rpnFeatureNames != null) {
            requireMaps("rpnFeatureNames", rpnFeatureNames);
        }
        if (rpnMaps != null && rpnMaps.size() != anchors.levels()) {
            throw new IllegalArgumentException("rpn_anchor_generator: has sizes for " + anchors.levels()
                    + " feature maps, the RPN reads " + rpnMaps.size() + " " + rpnMaps
                    + (rpnFeatureNames == null ? " (all the backbone's; rpnFeatureNames chooses)" : ""));
        }
        ProposalHead head = rpnHead != null ? rpnHead : new RpnHead(channels, anchors.anchorsPerLocation());
        if (head.inChannels() >= 0 && head.inChannels() != channels) {
            throw new IllegalArgumentException("rpn_head: reads " + head.inChannels() + " channels, the backbone "
                    + "gives " + channels);
        }
        RegionProposalNetwork rpn = new RegionProposalNetwork(anchors, head);

        MultiScaleRoIAlign pool = boxRoiPool != null ? boxRoiPool : new MultiScaleRoIAlign(FPN_ROI_MAPS, 7, 2);
        requireMaps("box_roi_pool", pool.featureNames());
        int pooled = channels * pool.outputSize() * pool.outputSize();
        BoxHead bh = boxHead != null ? boxHead : new TwoMlpHead(pooled, REPRESENTATION_SIZE);
        if (bh.inputSize() >= 0 && bh.inputSize() != pooled) {
            throw new IllegalArgumentException("box_head: reads " + bh.inputSize() + " features per RoI, box_roi_pool "
                    + "gives " + channels + " channels x " + pool.outputSize() + " x " + pool.outputSize() + " = "
                    + pooled);
        }
        BoxPredictor bp = boxPredictor != null ? boxPredictor : new FastRcnnPredictor(bh.outputSize(), classes);
        if (bp.inputSize() != bh.outputSize()) {
            throw new IllegalArgumentException("box_predictor: reads " + bp.inputSize() + " features per RoI, the "
                    + "box_head gives " + bh.outputSize());
        }
        if (maskHead != null) {
            requireMaps("mask_roi_pool", maskRoiPool.featureNames());
            if (maskHead.inChannels() >= 0 && maskHead.inChannels() != channels) {
                throw new IllegalArgumentException("mask_head: reads " + maskHead.inChannels() + " channels, the "
                        + "backbone gives " + channels);
            }
            if (maskPredictor.inChannels() != maskHead.outChannels()) {
                throw new IllegalArgumentException("mask_predictor: reads " + maskPredictor.inChannels()
                        + " channels, the mask_head gives " + maskHead.outChannels());
            }
            if (maskPredictor.numClasses() != classes) {
                throw new IllegalArgumentException("mask_predictor: predicts " + maskPredictor.numClasses()
                        + " classes, the box predictor scores " + classes);
            }
        }
        RoiHeads heads = new RoiHeads(pool, bh, bp, maskRoiPool, maskHead, maskPredictor);
        built = true;
        return new GeneralizedRcnn(settings, backbone, rpnFeatureNames, rpn, heads);
    }
}
