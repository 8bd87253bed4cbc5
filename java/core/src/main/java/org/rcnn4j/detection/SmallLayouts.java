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

    /** The small detectors' settings: torchvision's but for the sizes, top-n and sampled batches. */
    static RcnnConfig config() {
        return RcnnConfig.builder()
                .minSize(128).maxSize(213)
                .rpnPreNmsTopNTrain(1000).rpnPreNmsTopNTest(500).rpnPostNmsTopNTrain(500).rpnPostNmsTopNTest(300)
                .rpnBatchSizePerImage(128)
                .boxBatchSizePerImage(BOX_BATCH_SIZE_PER_IMAGE)
                .build();
    }

    /**
     * The settings and box parts. The RPN reads the stride 8, 16 and 32 maps ("1", "2", "pool") with anchors 24,
     * 48 and 96; the stride-4 map ("0") serves only the RoI heads, so the anchors and proposals stay those of the
     * stride-8 layout.
     */
    static <B extends RcnnBuilder<B>> B configure(B builder, int numClasses) {
        return builder.numClasses(numClasses)
                .config(config())
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
