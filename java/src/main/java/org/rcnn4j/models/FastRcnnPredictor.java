package org.rcnn4j.models;

import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.Module;

/** torchvision's FastRCNNPredictor: cls_score (to num_classes), bbox_pred (to 4*num_classes, class-major). */
public final class FastRcnnPredictor extends Module {
    public FastRcnnPredictor(int inChannels, int numClasses) {
        addModule("cls_score", new Linear(inChannels, numClasses));
        addModule("bbox_pred", new Linear(inChannels, numClasses * 4));
    }

    @Override
    public String typeName() {
        return "FastRCNNPredictor";
    }
}
