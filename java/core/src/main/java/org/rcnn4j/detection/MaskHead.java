package org.rcnn4j.detection;

import org.rcnn4j.nn.Layer;

/**
 * Mask R-CNN's mask head (torchvision's mask_head): pooled RoI features [K, C, M, M] to mask features
 * [K, {@link #outChannels()}, M', M'] for the mask predictor. A Block implementing this is what
 * {@link MaskRcnn.Builder#maskHead} takes; {@link MaskRcnnHeads} is torchvision's.
 */
public interface MaskHead extends Layer {
    /** The channels of the features it returns (the mask predictor's input channels). */
    int outChannels();

    /** C: the channels it reads, or -1 when it takes any (the builders check it against the backbone). */
    default int inChannels() {
        return -1;
    }
}
