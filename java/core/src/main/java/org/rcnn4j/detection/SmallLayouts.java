package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.detection.backbone.SmallBackbone;

/**
 * The small detectors' parts and settings, sized for 128x128 scenes with items of 20..70 px on a 2-core CPU: fewer
 * anchors per level and proposals than torchvision's COCO settings, narrower heads. Everything else is
 * torchvision's.
 */
final class SmallLayouts {
    /** FPN width of {@link SmallBackbone}. */
    static final int CHANNELS = 64;
    /** The box head's width (torchvision: 1024). */
    static final int REPRESENTATION_SIZE = 256;
    /** The mask head's convs (torchvision: four of 256) and the mask predictor's width (torchvision: 256). */
    private static final int[] MASK_LAYERS = {64, 64};
    private static final int MASK_DIM_REDUCED = 64;

    private SmallLayouts() {
    }

    /**
     * RoIs sampled per image for the box head (torchvision: 512), a quarter of them positives, which the mask head
     * also trains on. 64 rather than 128 makes a demo step about 15% cheaper, and the steps saved buy more of them:
     * 2000 steps at 64 reached box AP50 0.686 where 1500 at 128 reached 0.669 (same pretraining).
     */
    static final int BOX_BATCH_SIZE_PER_IMAGE = 64;

    /**
     * The first backbone stage feeding the FPN: stage 2 (stride 4), so the RoI heads pool every item (21..70 px,
     * all under the level mapper's 112 px) from the stride-4 map instead of the stride-8 one. Measured on the demo
     * (1500 steps): box AP50 0.583 against 0.557 with stride 8, for about 8% more CPU time.
     */
    static final int FIRST_TAP = 2;

    /** The small detectors' backbone: {@link SmallBackbone} with its FPN from stride 4. */
    static SmallBackbone backbone() {
        return new SmallBackbone(CHANNELS, true, FIRST_TAP);
    }

    /**
     * The RPN's NMS IoU threshold (torchvision: 0.7). On 128x128 scenes the RPN keeps at most 300 of its about 740
     * candidates anyway; at 0.9 more of them are near-copies of one item's box, so the box head names each item
     * from several slightly different boxes and the per-class NMS keeps the best. Chosen, with
     * {@link #BOX_NMS_THRESH}, on scenes of training items with four trained models: box AP50 +0.011 and mask AP50
     * +0.009 on the mean, higher on each model (0.8: +0.008; 0.95 and 1 within 0.001 of 0.9; 0.6 lower than 0.7):
     * docs/demo-tuning-history.md, "More proposals per item".
     */
    static final float RPN_NMS_THRESH = 0.9f;

    /**
     * The box head's per-class NMS IoU threshold (torchvision: 0.5): at 0.4 fewer second boxes of one item survive,
     * which on these scenes outweighs the overlapping items of one class it also suppresses. Chosen with
     * {@link #RPN_NMS_THRESH} (0.35 and 0.45 beside it scored a little less on the mean).
     */
    static final float BOX_NMS_THRESH = 0.4f;

    /**
     * The box head's refinements at inference ({@link RcnnConfig#boxRefinements()}; torchvision: none): the box
     * head runs a second time on the boxes it regressed, and the detections take the mean of both passes' class
     * probabilities. Chosen on scenes of training items: box AP50 +0.016..+0.041 on each of seven trained demo
     * models; two refinements no better than one, three worse. On the held-out scenes over seeds 0..3 (AVX2) box
     * AP50 0.753 against 0.738: docs/demo-tuning-history.md, "The box head twice".
     */
    static final int BOX_REFINEMENTS = 1;

    /** The small models' settings: torchvision's but for the sizes, top-n and sampled batches. */
    static RcnnConfig config() {
        return RcnnConfig.builder()
                .minSize(128).maxSize(213)
                .rpnPreNmsTopNTrain(1000).rpnPreNmsTopNTest(500).rpnPostNmsTopNTrain(500).rpnPostNmsTopNTest(300)
                .rpnBatchSizePerImage(128)
                .boxBatchSizePerImage(BOX_BATCH_SIZE_PER_IMAGE)
                .build();
    }

    /** The small detectors' settings: {@link #config()} with the NMS thresholds and the refinements above. */
    static RcnnConfig detectorConfig() {
        return config().toBuilder().rpnNmsThresh(RPN_NMS_THRESH).boxNmsThresh(BOX_NMS_THRESH)
                .boxRefinements(BOX_REFINEMENTS).build();
    }

    /**
     * The settings and box parts. The RPN reads the stride 8, 16 and 32 maps ("1", "2", "pool") with anchors 24,
     * 48 and 96; the stride-4 map ("0") serves only the RoI heads, so the anchors and proposals stay those of the
     * stride-8 layout.
     */
    static <B extends RcnnBuilder<B>> B configure(B builder, int numClasses) {
        return builder.numClasses(numClasses)
                .config(detectorConfig())
                .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{24}, {48}, {96}},
                        AnchorGenerator.FPN_ASPECT_RATIOS))
                .rpnFeatureNames("1", "2", "pool")
                .boxRoiPool(new MultiScaleRoIAlign(List.of("0", "1"), 7, 2))
                .boxHead(new TwoMlpHead(CHANNELS * 7 * 7, REPRESENTATION_SIZE));
    }

    /** The mask branch: RoIAlign 14x14 from "0" and "1", two 64-channel convs, a 64-channel deconvolution. */
    static MaskRcnn.Builder configureMasks(MaskRcnn.Builder builder, int numClasses) {
        MaskRcnnHeads head = new MaskRcnnHeads(CHANNELS, MASK_LAYERS);
        return builder.maskRoiPool(new MultiScaleRoIAlign(List.of("0", "1"), 14, 2))
                .maskHead(head)
                .maskPredictor(new MaskRcnnPredictor(head.outChannels(), MASK_DIM_REDUCED, numClasses));
    }
}
