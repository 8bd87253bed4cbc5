package org.rcnn4j.detection;

import org.rcnn4j.detection.backbone.SmallBackbone;
import java.util.List;

/**
 * The small detectors' settings, sized for 128x128 scenes with items of 20..70 px on a 2-core CPU: fewer anchors
 * per level and proposals than torchvision's COCO settings, narrower heads. Everything else is torchvision's.
 */
final class SmallLayouts {
    /** FPN width of {@link SmallBackbone}. */
    static final int CHANNELS = 64;

    private SmallLayouts() {
    }

    /**
     * RoIs sampled per image for the box head (torchvision: 512), a quarter of them positives, which the mask head
     * also trains on. 64 rather than 128 makes a demo step about 15% cheaper, and the steps saved buy more of them:
     * 2000 steps at 64 reached box AP50 0.686 where 1500 at 128 reached 0.669 (same pretraining).
     */
    static final int BOX_BATCH_SIZE_PER_IMAGE = 64;

    static RcnnConfig config() {
        RcnnConfig t = RcnnConfig.torchvisionDefaults();
        return new RcnnConfig(128, 213, t.imageMean(), t.imageStd(), 32,
                1000, 500, 500, 300,
                t.rpnNmsThresh(), t.rpnFgIouThresh(), t.rpnBgIouThresh(), 128, t.rpnPositiveFraction(),
                t.rpnScoreThresh(),
                t.boxScoreThresh(), t.boxNmsThresh(), t.boxDetectionsPerImg(), t.boxFgIouThresh(),
                t.boxBgIouThresh(), BOX_BATCH_SIZE_PER_IMAGE, t.boxPositiveFraction(), t.bboxRegWeights());
    }

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
     * The RPN reads the stride 8, 16 and 32 maps ("1", "2", "pool") with anchors 24, 48 and 96; the stride-4 map
     * ("0") serves only the RoI heads, so the anchors and proposals stay those of the stride-8 layout.
     */
    static RcnnLayout layout(boolean masks, int numClasses) {
        AnchorGenerator anchors = new AnchorGenerator(new int[][] {{24}, {48}, {96}}, AnchorGenerator.FPN_ASPECT_RATIOS);
        return new RcnnLayout(masks, numClasses, config(), anchors, List.of("1", "2", "pool"), List.of("0", "1"), 7,
                256, 14, new int[] {64, 64}, 64);
    }
}
