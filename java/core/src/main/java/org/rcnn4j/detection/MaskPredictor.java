package org.rcnn4j.detection;

import org.rcnn4j.nn.Layer;

/**
 * Mask R-CNN's mask predictor (torchvision's mask_predictor): mask features [K, C, M', M'] to per-class mask
 * logits [K, num_classes, 2·M, 2·M] where M is the mask RoI pool's output size (inference reads the detected
 * class's channel). A Block implementing this is what {@link MaskRcnn.Builder#maskPredictor} takes;
 * {@link MaskRcnnPredictor} is torchvision's.
 */
public interface MaskPredictor extends Layer {
    /** C: the channels it reads (the mask head's {@link MaskHead#outChannels()}). */
    int inChannels();

    /** The classes it predicts masks for, background included (the box predictor's). */
    int numClasses();
}
