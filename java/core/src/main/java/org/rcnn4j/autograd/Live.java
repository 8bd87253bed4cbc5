package org.rcnn4j.autograd;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the tensors autograd owns and has not closed yet (values, gradients, saved tensors): a leak shows here. */
public final class Live {
    private static final AtomicLong OPEN = new AtomicLong();

    private Live() {
    }

    /** Tensors owned by autograd objects (Vars, their grads, saved tensors, optimizer state) still open. */
    public static long tensors() {
        return OPEN.get();
    }

    static void opened() {
        OPEN.incrementAndGet();
    }

    static void closed() {
        OPEN.decrementAndGet();
    }
}
