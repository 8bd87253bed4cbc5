package org.rcnn4j.detection;

import org.rcnn4j.detection.backbone.Backbone;
import org.rcnn4j.nn.Block;

/**
 * Faster R-CNN composed as torchvision's {@code FasterRCNN(backbone, num_classes, rpn_anchor_generator=...,
 * rpn_head=..., box_roi_pool=..., box_head=..., box_predictor=..., <thresholds>)}:
 *
 * <pre>{@code
 * GeneralizedRcnn model = FasterRcnn.builder(backbone)          // any Block implementing Backbone
 *         .numClasses(3)
 *         .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{32}, {64}, {128}}, AnchorGenerator.FPN_ASPECT_RATIOS))
 *         .boxRoiPool(new MultiScaleRoIAlign(List.of("0", "1"), 7, 2))
 *         .boxHead(myHead)                                      // any Block implementing BoxHead
 *         .boxScoreThresh(0.3f)
 *         .build();
 * }</pre>
 *
 * Every part and setting not given is torchvision 0.14's default ({@link RcnnBuilder} lists them).
 */
public final class FasterRcnn {
    private FasterRcnn() {
    }

    /** A builder around {@code backbone}, whose maps all have {@link Backbone#outChannels()} channels. */
    public static <K extends Block & Backbone> Builder builder(K backbone) {
        return new Builder(backbone);
    }

    /** Faster R-CNN's builder: the shared parts and settings, no mask branch. */
    public static final class Builder extends RcnnBuilder<Builder> {
        <K extends Block & Backbone> Builder(K backbone) {
            super(backbone);
        }

        @Override
        public GeneralizedRcnn build() {
            return assemble(null, null, null);
        }
    }
}
