package org.rcnn4j.detection;

import org.rcnn4j.autograd.Var;

/**
 * The region proposal network's head (torchvision's rpn_head), run on every feature level the RPN reads: a Block
 * implementing this is what {@link FasterRcnn.Builder#rpnHead} takes. {@link RpnHead} is torchvision's.
 */
public interface ProposalHead {
    /**
     * One feature level [N, C, H, W]: objectness logits [N, A, H, W] and box deltas [N, 4A, H, W], A being
     * {@link #anchorsPerLocation()}, the deltas of anchor a in channels 4a..4a+3.
     */
    Var[] forward(Var feature);

    /** A: the anchors per location it predicts for (the anchor generator's sizes times aspect ratios). */
    int anchorsPerLocation();

    /** C: the channels of the maps it reads, or -1 when it takes any (the builders check it against the backbone). */
    default int inChannels() {
        return -1;
    }
}
