package org.rcnn4j.detection;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.functional.TensorMath;

/** torchvision's FastRCNNPredictor: cls_score (to num_classes), bbox_pred (to 4*num_classes, class-major). */
public final class FastRcnnPredictor extends Block implements BoxPredictor {
    private final int inChannels;
    private final int numClasses;

    public FastRcnnPredictor(int inChannels, int numClasses) {
        if (inChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException("FastRCNNPredictor: in_channels and num_classes must be >= 1, got "
                    + inChannels + ", " + numClasses);
        }
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        addBlock("cls_score", new Linear(inChannels, numClasses));
        addBlock("bbox_pred", new Linear(inChannels, numClasses * 4));
    }

    @Override
    public int inputSize() {
        return inChannels;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public String typeName() {
        return "FastRCNNPredictor";
    }

    /** Class logits [K, num_classes] and class-major box deltas [K, 4 * num_classes] for features [K, D]. */
    @Override
    public Var[] forward(Var x) {
        Var flat = x.shape().length > 2 ? TensorMath.flatten(x, 1) : x;
        return new Var[] {((Layer) get("cls_score")).forward(flat), ((Layer) get("bbox_pred")).forward(flat)};
    }
}
