package org.rcnn4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.CheckKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The argument checks of the CPU backend that read data (a RoI's batch index, matched indices, gather, take and
 * index_add indices, cross_entropy's targets, roi_pool's argmax), run on the device by cuda/checks.cu so that the
 * CUDA backend rejects the same inputs without reading them back. Each check queued gets a number and a report (the
 * exception, naming the argument); all checks share one device error word, which ends up naming the first failed
 * check and its first offending element, followed by that element's value where the check's exception quotes it.
 * The backend reads the word with the data of its next synchronization (8 more bytes, 16 when a pending check
 * quotes its value; no extra wait) and throws that check's exception there: the op's result is undefined for the
 * offending elements until then.
 */
final class DeferredChecks implements AutoCloseable {
    /** After this many checks without a synchronization, the next one synchronizes to report the ones before. */
    static final int MAX_PENDING = 1 << 20;

    /** The exception of a failed check, from its first offending element and (where it quotes one) that value. */
    @FunctionalInterface
    interface Failure {
        RuntimeException at(long element, long value);
    }

    private final CudaDevice device;
    /** Two int64: the failed check and element ({@code (check << 32) | element}, Long.MAX_VALUE: none), its value. */
    private final DeviceBuffer word;
    private final List<Failure> pending = new ArrayList<>();
    /** Whether a pending check quotes its value (then the second int64 is read as well). */
    private boolean quotesValue;

    /** Checks for a backend's handle on the device; the error word is the process-wide device's. */
    DeferredChecks(CudaDevice device) {
        this.device = device;
        // allocated from the shared device so that it does not count among the backend's tensors; closed with it
        this.word = device.shared().allocate(16);
        reset();
    }

    /** Queues: every RoI's batch index (column 0 of boxes [K,5], F32 or F64 on the device) lies in [0, n). */
    synchronized void roiBatch(String op, Tensor boxes, int n) {
        int k = boxes.size(0);
        if (k == 0) {
            return;
        }
        int check = next((i, value) -> new IllegalArgumentException("boxes: the batch index (column 0) of RoI " + i
                + " is not an image index in [0, " + n + ") (" + op + "; checked on the device, reported at the next "
                + "synchronization)"));
        CheckKernels.roiBatch(device, boxes.deviceBuffer().pointer(), boxes.dtype() == DType.F64, k, 5, n, check,
                word.pointer());
    }

    /**
     * Queues: every element of index (I64 or I32 on the device) lies in [0, bound), or equals {@code skip} when that
     * is not null; {@code expected} says what it should be ("a ground-truth index").
     */
    synchronized void indexRange(String op, String argument, Tensor index, long bound, Long skip, String expected) {
        String allowed = (skip == null ? "" : skip + " or ") + "[0, " + bound + ")";
        queueIndexRange(index, bound, skip, false, (i, value) -> new IllegalArgumentException(argument + ": element "
                + i + " is outside " + allowed + ", expected " + expected + " (" + op + "; checked on the device, "
                + "reported at the next synchronization)"));
    }

    /**
     * Queues the same check as {@link #indexRange(String, String, Tensor, long, Long, String)}, for an op whose
     * exception quotes the offending value, as the host-side check's does: {@code failure} gets the first offending
     * element and its value (copied on the device beside the word).
     */
    synchronized void indexRangeQuoting(Tensor index, long bound, Long skip, Failure failure) {
        queueIndexRange(index, bound, skip, true, failure);
    }

    private void queueIndexRange(Tensor index, long bound, Long skip, boolean quote, Failure failure) {
        int k = index.numel();
        if (k == 0) {
            return;
        }
        int check = next(failure);
        boolean is64 = index.dtype() == DType.I64;
        CheckKernels.indexRange(device, index.deviceBuffer().pointer(), is64, k, bound, skip, check, word.pointer());
        if (quote) {
            CheckKernels.indexValue(device, index.deviceBuffer().pointer(), is64, check, word.pointer());
            quotesValue = true;
        }
    }

    private int next(Failure report) {
        if (pending.size() >= MAX_PENDING) {
            long[] value = new long[wordLength()];
            device.copyDeviceToHost(value, word);
            report(value);
        }
        pending.add(report);
        return pending.size() - 1;
    }

    /** Whether checks were queued since the last report. */
    synchronized boolean pending() {
        return !pending.isEmpty();
    }

    /**
     * The error word as a device I64 view (closing it frees nothing), to read with other tensors: [1], or [2] with
     * the value when a pending check quotes it.
     */
    synchronized Tensor wordTensor() {
        int length = wordLength();
        return Tensor.onDevice(DType.I64, word.slice(0, 8L * length), length);
    }

    private int wordLength() {
        return quotesValue ? 2 : 1;
    }

    /**
     * After the word was read back as {@code value} (what {@link #wordTensor()} held): forgets the pending checks
     * and throws the first failed one's exception (the word is reset for the checks to come).
     */
    synchronized void report(long[] value) {
        List<Failure> reports = new ArrayList<>(pending);
        pending.clear();
        quotesValue = false;
        if (value[0] == Long.MAX_VALUE) {
            return;
        }
        reset();
        int check = (int) (value[0] >>> 32);
        long element = value[0] & 0xffffffffL;
        if (check >= reports.size()) {
            throw new IllegalStateException("device check word " + Long.toHexString(value[0]) + " names check "
                    + check + " of " + reports.size());
        }
        throw reports.get(check).at(element, value.length > 1 ? value[1] : 0L);
    }

    /** The word to Long.MAX_VALUE on the stream (two 32-bit fills; nothing crosses from the host). */
    private void reset() {
        device.shared().fillInts(word.slice(0, 4), -1);
        device.shared().fillInts(word.slice(4, 4), Integer.MAX_VALUE);
    }

    @Override
    public synchronized void close() {
        pending.clear();
        word.close();
    }
}
