package org.rcnn4j.detection;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.functional.TensorMath;

/** torchvision's TwoMLPHead: fc6 (C*7*7 to 1024), fc7 (1024 to 1024), each followed by ReLU; default Linear init. */
public final class TwoMlpHead extends Block implements BoxHead {
    private final int inChannels;
    private final int representationSize;

    /** @param inChannels the flattened pooled features per RoI (C·h·w) */
    public TwoMlpHead(int inChannels, int representationSize) {
        if (inChannels < 1 || representationSize < 1) {
            throw new IllegalArgumentException("TwoMLPHead: in_channels and representation_size must be >= 1, got "
                    + inChannels + ", " + representationSize);
        }
        this.inChannels = inChannels;
        this.representationSize = representationSize;
        addBlock("fc6", new Linear(inChannels, representationSize));
        addBlock("fc7", new Linear(representationSize, representationSize));
    }

    @Override
    public int inputSize() {
        return inChannels;
    }

    @Override
    public int outputSize() {
        return representationSize;
    }

    @Override
    public String typeName() {
        return "TwoMLPHead";
    }

    /** relu(fc7(relu(fc6(flatten(x))))) for pooled RoI features [K, C, h, w]. */
    @Override
    public Var forward(Var x) {
        Var flat = TensorMath.flatten(x, 1);
        Var h = ((Layer) get("fc6")).forward(flat);
        flat.drop(); // a view: x stays the caller's
        Var r = TensorMath.relu(h);
        h.drop(); // in inference each intermediate goes after its last use
        h = ((Layer) get("fc7")).forward(r);
        r.drop();
        r = TensorMath.relu(h);
        h.drop();
        return r;
    }
}
