package org.rcnn4j.models;

import org.rcnn4j.nn.Module;

/**
 * torchvision's RoIHeads: box_roi_pool, box_head, box_predictor, and for Mask R-CNN mask_roi_pool, mask_head,
 * mask_predictor (in that order).
 */
public final class RoiHeads extends Module {
    private final TwoMlpHead boxHead;
    private final FastRcnnPredictor boxPredictor;
    private final MaskRcnnHeads maskHead;
    private final MaskRcnnPredictor maskPredictor;

    public RoiHeads(MultiScaleRoIAlign boxRoiPool, TwoMlpHead boxHead, FastRcnnPredictor boxPredictor,
            MultiScaleRoIAlign maskRoiPool, MaskRcnnHeads maskHead, MaskRcnnPredictor maskPredictor) {
        addModule("box_roi_pool", boxRoiPool);
        this.boxHead = addModule("box_head", boxHead);
        this.boxPredictor = addModule("box_predictor", boxPredictor);
        if (maskHead != null) {
            addModule("mask_roi_pool", maskRoiPool);
            this.maskHead = addModule("mask_head", maskHead);
            this.maskPredictor = addModule("mask_predictor", maskPredictor);
        } else {
            this.maskHead = null;
            this.maskPredictor = null;
        }
    }

    public TwoMlpHead boxHead() {
        return boxHead;
    }

    public FastRcnnPredictor boxPredictor() {
        return boxPredictor;
    }

    public boolean hasMasks() {
        return maskHead != null;
    }

    /** The mask head, or null for Faster R-CNN. */
    public MaskRcnnHeads maskHead() {
        return maskHead;
    }

    public MaskRcnnPredictor maskPredictor() {
        return maskPredictor;
    }

    @Override
    public String typeName() {
        return "RoIHeads";
    }
}
