package org.rcnn4j.nn;

import java.util.ArrayList;
import java.util.List;

/** torch.nn.ModuleList: children named "0", "1", ..., held for their state, not run as a chain. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public ModuleList<M> add(M m) {
        addModule(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }
}
