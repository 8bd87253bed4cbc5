package org.rcnn4j.cuda;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;

/**
 * Library handles (cuBLAS, cuDNN) handed to one call at a time: a handle must not serve two concurrent calls, and
 * creating one costs milliseconds on a GPU, so finished calls give theirs back (PyTorch keeps per-thread pools for
 * the same reasons, aten/src/ATen/cuda/CublasHandlePool.cpp). Handles live as long as the process-wide device.
 */
final class HandlePool {
    private final ConcurrentLinkedDeque<Long> idle = new ConcurrentLinkedDeque<>();
    private final LongSupplier create;

    HandlePool(LongSupplier create) {
        this.create = create;
    }

    long acquire() {
        Long h = idle.pollLast();
        return h != null ? h : create.getAsLong();
    }

    void release(long handle) {
        idle.addLast(handle);
    }
}
