package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;

/** torch.nn.Sequential: children named "0", "1", ... (or given names), run in order. */
public class Sequential extends Block implements Layer {
    private int next;

    public Sequential(Block... modules) {
        for (Block m : modules) {
            add(m);
        }
    }

    /** Appends {@code m} under the next index as its name. */
    public final Sequential add(Block m) {
        addBlock(Integer.toString(next++), m);
        return this;
    }

    /** Appends {@code m} under {@code name} (torch's Sequential(OrderedDict(...))). */
    public final Sequential add(String name, Block m) {
        addBlock(name, m);
        next++;
        return this;
    }

    public int size() {
        return children().size();
    }

    @Override
    public Var forward(Var input) {
        Var x = input;
        for (var e : children().entrySet()) {
            if (!(e.getValue() instanceof Layer layer)) {
                throw new UnsupportedOperationException("Sequential: child " + e.getKey() + " ("
                        + e.getValue().typeName() + ") has no forward pass yet");
            }
            x = layer.forward(x);
        }
        return x;
    }
}
