package org.rcnn4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * The engine: records ops on the calling thread (unless in a {@link #noGrad} region) and runs reverse-mode
 * backward over the recorded graph.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {
    }

    /** Whether ops on this thread record a graph now. */
    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** Closes to end a region where no graph is recorded (torch.no_grad); regions nest. */
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }

    public static NoGrad noGrad() {
        int[] depth = NO_GRAD_DEPTH.get();
        depth[0]++;
        boolean[] done = new boolean[1];
        return () -> {
            if (!done[0]) {
                done[0] = true;
                depth[0]--;
            }
        };
    }

    /**
     * Records one op: {@code out} (owned, on {@code backend}) computed from {@code inputs}; {@code backward}
     * gives the inputs' gradients. {@code saved} are Vars kept only for backward: closed after backward, or now
     * when nothing is recorded. The public hook for ops outside this package.
     */
    public static Var record(String name, Backend backend, Tensor out, Backward backward, Var[] inputs,
            Var... saved) {
        boolean needs = false;
        if (isGradEnabled()) {
            for (Var in : inputs) {
                needs |= in.requiresGrad();
            }
        }
        if (!needs) {
            for (Var s : saved) {
                s.close();
            }
            return new Var(backend, out, false, null, null);
        }
        return new Var(backend, out, true, new Node(name, inputs.clone(), backward, saved), null);
    }

    /** A view Var (not owning storage) of {@code base}'s value. */
    static Var view(String name, Var base, Tensor view, Backward backward) {
        boolean needs = isGradEnabled() && base.requiresGrad();
        return new Var(base.backend(), view, needs, needs ? new Node(name, new Var[] {base}, backward, new Var[0])
                : null, base);
    }

    /** backward(loss) with a gradient of ones: loss must have one element. */
    public static void backward(Var loss) {
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("loss: backward needs one element, got shape "
                    + Arrays.toString(loss.shape()) + " (pass a gradient)");
        }
        backward(loss, Tensors.full(loss.backend(), loss.dtype(), 1.0, loss.shape()));
    }

    /**
     * Accumulates d(root)/d(leaf) . gradRoot into every leaf requiring grad, in reverse topological order; frees
     * the graph (saved tensors) as it goes. {@code gradRoot} is owned and consumed. Intermediate gradients are
     * closed even when a backward function throws.
     */
    public static void backward(Var root, Tensor gradRoot) {
        if (!root.requiresGrad()) {
            gradRoot.close();
            throw new IllegalArgumentException("root: does not require grad (no input requires grad, or it was "
                    + "computed under noGrad)");
        }
        Map<Var, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, gradRoot);
        Live.opened(); // gradients waiting in the engine count as live until consumed
        List<Var> order = topologicalOrder(root);
        try (NoGrad ignored = noGrad()) {
            for (Var v : order) {
                Tensor g = pending.remove(v);
                if (g == null) {
                    continue;
                }
                Live.closed();
                if (v.node == null) {
                    v.accumulateGrad(g);
                    continue;
                }
                Node node = v.node;
                Tensor[] grads;
                try {
                    grads = node.backward().apply(g);
                } finally {
                    g.close();
                }
                int i = 0;
                try {
                    for (; i < grads.length; i++) {
                        Tensor gi = grads[i];
                        grads[i] = null;
                        if (gi != null) {
                            route(pending, i < node.inputs.length ? node.inputs[i] : null, gi);
                        }
                    }
                } finally {
                    for (; i < grads.length; i++) {
                        if (grads[i] != null) {
                            grads[i].close();
                        }
                    }
                }
                node.release();
            }
        } finally {
            for (Tensor t : pending.values()) {
                if (t != null) {
                    t.close();
                    Live.closed();
                }
            }
        }
    }

    /** Queues gradient gi (owned) for input {@code in}, summing with one already queued; drops it if unwanted. */
    private static void route(Map<Var, Tensor> pending, Var in, Tensor gi) {
        if (in == null || !in.requiresGrad()) {
            gi.close();
            return;
        }
        Tensor prev = pending.get(in);
        if (prev == null) {
            pending.put(in, gi);
            Live.opened();
            return;
        }
        pending.put(in, null);
        Live.closed();
        try {
            pending.put(in, Tensors.add(in.backend(), prev, gi));
            Live.opened();
        } finally {
            prev.close();
            gi.close();
        }
    }

    /** Vars reachable from root through recorded nodes, root first, each before the Vars it was computed from. */
    private static List<Var> topologicalOrder(Var root) {
        List<Var> post = new ArrayList<>();
        IdentityHashMap<Var, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, true);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Var v = (Var) frame[0];
            int next = (Integer) frame[1];
            Var[] ins = v.node == null ? new Var[0] : v.node.inputs;
            if (next < ins.length) {
                frame[1] = next + 1;
                Var in = ins[next];
                if (in.requiresGrad() && visited.put(in, true) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                post.add(v);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }
}
