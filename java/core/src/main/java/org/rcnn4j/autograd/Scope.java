package org.rcnn4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A memory scope: every Var created on this thread while it is the innermost open scope (op results, constants,
 * tensors saved for backward, gradients of such Vars) is closed when it closes, deterministically, except Vars
 * {@link #keep kept}, which move to the enclosing scope (or to the caller, when there is none). Parameters and
 * optimizer state are created outside and are not touched.
 *
 * <pre>{@code
 * try (Scope s = Scope.open()) {
 *     Var loss = model(x);
 *     loss.backward();
 *     sgd.step();
 *     lossValue = loss.item();
 * } // every device buffer of this step is back in the allocator
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Var> vars = new ArrayList<>();
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private Scope() {
    }

    public static Scope open() {
        Scope s = new Scope();
        STACK.get().push(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() {
        return STACK.get().peek();
    }

    static void track(Var v) {
        Scope s = STACK.get().peek();
        if (s != null) {
            s.vars.add(v);
            v.scope = s;
        }
    }

    /**
     * Lets {@code v} (and, for a view, the Var whose storage it views) outlive this scope: it moves to the
     * enclosing scope, or is owned by the caller when there is none.
     */
    public Var keep(Var v) {
        if (closed) {
            throw new IllegalStateException("keep on a closed scope");
        }
        Scope parent = parent();
        for (Var x = v; x != null; x = x == x.storageOwner() ? null : x.storageOwner()) {
            if (x.scope == this) {
                x.scope = parent;
                if (parent != null) {
                    parent.vars.add(x);
                }
            }
        }
        return v;
    }

    /** {@link #keep} on the innermost open scope (a no-op with none open): for returning a Var out of a scope. */
    public static Var escape(Var v) {
        Scope s = current();
        return s == null ? v : s.keep(v);
    }

    private Scope parent() {
        boolean seen = false;
        for (Scope s : STACK.get()) {
            if (seen) {
                return s;
            }
            seen = s == this;
        }
        return null;
    }

    /** Vars this scope would close now. */
    public int size() {
        int n = 0;
        for (Var v : vars) {
            if (v.scope == this && !v.isClosed()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a scope must be closed on the thread that opened it");
        }
        ArrayDeque<Scope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("scopes must close innermost first");
        }
        stack.pop();
        closed = true;
        RuntimeException first = null;
        for (int i = vars.size() - 1; i >= 0; i--) {
            Var v = vars.get(i);
            if (v.scope == this) {
                try {
                    v.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        vars.clear();
        if (first != null) {
            throw first;
        }
    }
}
