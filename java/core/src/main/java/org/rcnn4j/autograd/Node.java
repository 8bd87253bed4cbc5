package org.rcnn4j.autograd;

/** The recorded op that produced a Var: its inputs, its backward function and tensors saved for it. */
final class Node {
    final String name;
    final Var[] inputs;
    private Backward backward;
    private Var[] saved;

    Node(String name, Var[] inputs, Backward backward, Var[] saved) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
        this.saved = saved;
    }

    Backward backward() {
        if (backward == null) {
            throw new IllegalStateException("backward through " + name + " a second time: its graph was freed by "
                    + "the first backward");
        }
        return backward;
    }

    /** Frees what only backward needed (after backward, or when no graph is recorded). */
    void release() {
        backward = null;
        if (saved != null) {
            for (Var s : saved) {
                s.close();
            }
            saved = null;
        }
    }
}
