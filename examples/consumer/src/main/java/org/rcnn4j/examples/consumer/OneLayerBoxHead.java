package org.rcnn4j.examples.consumer;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.BoxHead;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * A user's box head: one fully connected layer and ReLU instead of torchvision's TwoMLPHead. Any Block
 * implementing BoxHead (a forward pass and its output size) can be passed to the detector builders.
 */
final class OneLayerBoxHead extends Block implements BoxHead {
    private final Linear fc;
    private final int outputSize;

    /** @param inputSize the pooled features per RoI: the backbone's channels x the RoI pool's output size² */
    OneLayerBoxHead(int inputSize, int outputSize) {
        this.outputSize = outputSize;
        fc = addBlock("fc", new Linear(inputSize, outputSize));
    }

    @Override
    public Var forward(Var pooled) {
        return TensorMath.relu(fc.forward(TensorMath.flatten(pooled, 1)));
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public int inputSize() {
        return fc.weight().shape()[1];
    }
}
