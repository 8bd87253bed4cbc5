package org.rcnn4j.models;

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

    static RcnnConfig config() {
        RcnnConfig t = RcnnConfig.torchvisionDefaults();
        return new RcnnConfig(128, 213, t.imageMean(), t.imageStd(), 32,
                1000, 500, 500, 300,
                t.rpnNmsThresh(), t.rpnFgIouThresh(), t.rpnBgIouThresh(), 128, t.rpnPositiveFraction(),
                t.rpnScoreThresh(),
                t.boxScoreThresh(), t.boxNmsThresh(), t.boxDetectionsPerImg(), t.boxFgIouThresh(),
                t.boxBgIouThresh(), 128, t.boxPositiveFraction(), t.bboxRegWeights());
    }

    static RcnnLayout layout(boolean masks, int numClasses) {
        AnchorGenerator anchors = new AnchorGenerator(new int[][] {{24}, {48}, {96}}, AnchorGenerator.FPN_ASPECT_RATIOS);
        return new RcnnLayout(masks, numClasses, config(), anchors, List.of("0", "1"), 7, 256, 14,
                new int[] {64, 64}, 64);
    }
}
