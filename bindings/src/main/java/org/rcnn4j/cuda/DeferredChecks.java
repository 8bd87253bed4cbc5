package org.rcnn4j.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Argument checks that run on the device and report at the host's next synchronization (as CUDA reports a
 * kernel's fault): an op whose arguments hold device values (the indices of an index_select, the classes of a
 * cross entropy) queues a check kernel instead of reading them back, and the host learns the verdict when it
 * next waits for the stream anyway. The failure is the exception the host-side check would have thrown, with the
 * same type and message, thrown from that synchronization. The kernels guard the failing elements, so that the
 * work queued in between stays in bounds.
 */
public final class DeferredChecks {
    /** Every bit set: no position failed. */
    public static final long NONE = -1L;

    /** The exception for a failed check, from the first failing position and the value found there. */
    @FunctionalInterface
    public interface Failure {
        RuntimeException at(long position, long value);
    }

    private record Pending(DeviceBuffer verdict, Failure failure) {
    }

    private final List<Pending> pending = new ArrayList<>();

    /** One per device ({@link CudaDevice#deferCheck}). */
    DeferredChecks() {
    }

    synchronized void add(DeviceBuffer verdict, Failure failure) {
        if (verdict.byteSize() < 16) {
            verdict.close();
            throw new IllegalArgumentException("verdict: expected 16 bytes (position, value), got "
                    + verdict.byteSize());
        }
        pending.add(new Pending(verdict, failure));
    }

    /** Reads every queued verdict (the stream is idle), frees them, and throws the first failure. */
    void report(CudaDevice device) {
        List<Pending> now;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            now = new ArrayList<>(pending);
            pending.clear();
        }
        RuntimeException first = null;
        long[] v = new long[2];
        for (Pending p : now) {
            try (DeviceBuffer verdict = p.verdict()) {
                if (first == null) {
                    device.readVerdict(v, verdict);
                    if (v[0] != NONE) {
                        first = p.failure().at(v[0], v[1]);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
