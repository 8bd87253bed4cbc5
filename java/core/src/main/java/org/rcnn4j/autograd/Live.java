package org.rcnn4j.autograd;

import java.util.concurrent.atomic.AtomicLong;
import org.rcnn4j.tensor.Tensor;

/**
 * Counts the tensors autograd owns and has not closed yet (values, gradients, saved tensors): a leak shows here.
 * It also counts the bytes of the values Vars own while open, and their high-water mark: how much memory a forward
 * pass holds at once (activations, parameters and buffers made in the process), whatever the backend.
 */
public final class Live {
    private static final AtomicLong OPEN = new AtomicLong();
    private static final AtomicLong BYTES = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();

    private Live() {
    }

    /** Tensors owned by autograd objects (Vars, their grads, saved tensors, optimizer state) still open. */
    public static long tensors() {
        return OPEN.get();
    }

    /** Bytes of the values held by open Vars that own them (views and gradients not counted), in every thread. */
    public static long bytes() {
        return BYTES.get();
    }

    /** The largest {@link #bytes()} since the last {@link #resetPeak()} (or the start). */
    public static long peakBytes() {
        return PEAK.get();
    }

    /** Starts a new high-water mark from the bytes open now. */
    public static void resetPeak() {
        PEAK.set(BYTES.get());
    }

    static void opened() {
        OPEN.incrementAndGet();
    }

    static void closed() {
        OPEN.decrementAndGet();
    }

    /** A Var's own value opened: counted as a tensor and as bytes. */
    static void opened(long bytes) {
        OPEN.incrementAndGet();
        PEAK.accumulateAndGet(BYTES.addAndGet(bytes), Math::max);
    }

    static void closed(long bytes) {
        OPEN.decrementAndGet();
        BYTES.addAndGet(-bytes);
    }

    static long bytesOf(Tensor t) {
        return (long) t.numel() * t.dtype().bytes();
    }
}
