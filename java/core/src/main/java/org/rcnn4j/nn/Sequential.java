package org.rcnn4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /**
     * The children in order; each Conv2d with the norm and ReLU right after it (when there are) runs as one
     * {@link ConvNormRelu} step, which fuses them at inference and runs them one by one otherwise.
     */
    @Override
    public Var forward(Var input) {
        Var x = input;
        List<Map.Entry<String, Block>> list = new ArrayList<>(children().entrySet());
        for (int i = 0; i < list.size(); i++) {
            Block m = list.get(i).getValue();
            if (m instanceof Conv2d conv) {
                Block norm = i + 1 < list.size() && ConvNormRelu.isNorm(list.get(i + 1).getValue())
                        ? list.get(++i).getValue() : null;
                boolean relu = i + 1 < list.size() && list.get(i + 1).getValue() instanceof ReLU;
                if (relu) {
                    i++;
                }
                Var y = ConvNormRelu.forward(conv, norm, relu, x);
                if (x != input) {
                    x.drop(); // a convolution's output never shares its input's storage
                }
                x = y;
                continue;
            }
            if (!(m instanceof Layer layer)) {
                throw new UnsupportedOperationException("Sequential: child " + list.get(i).getKey() + " ("
                        + m.typeName() + ") has no forward pass yet");
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
