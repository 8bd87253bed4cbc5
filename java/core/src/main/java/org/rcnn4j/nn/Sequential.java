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
            Var y = layer.forward(x);
            // in inference each intermediate goes at its last use (the input is the caller's; a layer may return
            // its input or a view of it, which must stay)
            if (x != input && !y.sharesStorageWith(x)) {
                x.drop();
            }
            x = y;
        }
        return x;
    }
}
