package org.rcnn4j.detection;

import org.rcnn4j.autograd.Var;

/**
 * The RoI heads' box predictor (torchvision's box_predictor): the box head's features [K, D] to class logits
 * [K, num_classes] and class-major box deltas [K, 4·num_classes] (class c's in columns 4c..4c+3, background
 * included). A Block implementing this is what {@link FasterRcnn.Builder#boxPredictor} takes;
 * {@link FastRcnnPredictor} is torchvision's.
 */
public interface BoxPredictor {
    /** {class logits, box deltas}. */
    Var[] forward(Var features);

    /** D: the features per RoI it reads (the box head's {@link BoxHead#outputSize()}). */
    int inputSize();

    /** The classes it scores, background (label 0) included. */
    int numClasses();
}
