package org.rcnn4j.nn;

import java.util.ArrayList;
import java.util.List;

/** torch.nn.BlockList: children named "0", "1", ..., held for their state, not run as a chain. */
public final class BlockList<M extends Block> extends Block {
    private final List<M> items = new ArrayList<>();

    public BlockList<M> add(M m) {
        addBlock(Integer.toString(items.size()), m);
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
