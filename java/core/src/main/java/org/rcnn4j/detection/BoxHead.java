package org.rcnn4j.detection;

import org.rcnn4j.autograd.Var;

/**
 * The RoI heads' box head (torchvision's box_head): pooled RoI features [K, C, h, w] to one feature vector per
 * RoI, [K, {@link #outputSize()}], which the box predictor reads. A Block implementing this is what
 * {@link FasterRcnn.Builder#boxHead} takes; {@link TwoMlpHead} is torchvision's.
 */
public interface BoxHead {
    Var forward(Var pooled);

    /** The features per RoI it returns (the box predictor's input size). */
    int outputSize();

    /**
     * The features per RoI it reads once flattened (C·h·w of the box RoI pool's output), or -1 when it takes any
     * (the builders check it against the backbone's channels and the pool's output size).
     */
    default int inputSize() {
        return -1;
    }
}
