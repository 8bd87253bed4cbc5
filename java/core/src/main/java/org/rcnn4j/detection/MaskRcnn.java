package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.detection.backbone.Backbone;
import org.rcnn4j.nn.Block;

/**
 * Mask R-CNN composed as torchvision's {@code MaskRCNN(backbone, num_classes, ..., mask_roi_pool=...,
 * mask_head=..., mask_predictor=...)}: {@link FasterRcnn}'s parts and settings plus the mask branch.
 */
public final class MaskRcnn {
    /** torchvision's default mask head: four 3x3 convs of 256 channels. */
    private static final int[] MASK_LAYERS = {256, 256, 256, 256};
    /** torchvision's mask predictor width (dim_reduced of MaskRCNNPredictor). */
    public static final int MASK_DIM_REDUCED = 256;

    private MaskRcnn() {
    }

    /** A builder around {@code backbone}, whose maps all have {@link Backbone#outChannels()} channels. */
    public static <K extends Block & Backbone> Builder builder(K backbone) {
        return new Builder(backbone);
    }

    /** Mask R-CNN's builder: {@link RcnnBuilder}'s parts and settings plus the mask branch's parts. */
    public static final class Builder extends RcnnBuilder<Builder> {
        private MultiScaleRoIAlign maskRoiPool;
        private MaskHead maskHead;
        private MaskPredictor maskPredictor;

        <K extends Block & Backbone> Builder(K backbone) {
            super(backbone);
        }

        /** mask_roi_pool (default: MultiScaleRoIAlign(["0", "1", "2", "3"], 14, 2)). */
        public Builder maskRoiPool(MultiScaleRoIAlign pool) {
            maskRoiPool = (MultiScaleRoIAlign) Parts.block("mask_roi_pool", pool);
            return this;
        }

        /** mask_head (default: {@link MaskRcnnHeads}(the backbone's channels, 256, 256, 256, 256)). */
        public <H extends Block & MaskHead> Builder maskHead(H head) {
            Parts.block("mask_head", head);
            if (head.outChannels() < 1) {
                throw new IllegalArgumentException("mask_head: out channels must be >= 1, got " + head.outChannels());
            }
            maskHead = head;
            return this;
        }

        /** mask_predictor (default: {@link MaskRcnnPredictor}(the mask head's channels, 256, num_classes)). */
        public <P extends Block & MaskPredictor> Builder maskPredictor(P predictor) {
            Parts.block("mask_predictor", predictor);
            maskPredictor = predictor;
            return this;
        }

        @Override
        public GeneralizedRcnn build() {
            MultiScaleRoIAlign pool = maskRoiPool != null ? maskRoiPool
                    : new MultiScaleRoIAlign(FPN_ROI_MAPS, 14, 2);
            MaskHead head = maskHead != null ? maskHead : new MaskRcnnHeads(backbone.outChannels(), MASK_LAYERS);
            MaskPredictor predictor = maskPredictor != null ? maskPredictor
                    : new MaskRcnnPredictor(head.outChannels(), MASK_DIM_REDUCED, resolvedNumClasses());
            return assemble(pool, head, predictor);
        }
    }
}
