package org.rcnn4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Task fan-out for the GEMM and convolution code: the common ForkJoin pool plus the calling thread. */
final class GemmParallel {
    private GemmParallel() {
    }

    /** Threads a parallel stream can keep busy. */
    static int threads() {
        return Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1);
    }

    /** body(0..tasks-1), on all cores when {@code parallel} and there is more than one task. */
    static void forEach(int tasks, boolean parallel, IntConsumer body) {
        if (!parallel || tasks <= 1 || threads() == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, tasks).parallel().forEach(body);
        }
    }

    /**
     * A block size, a multiple of {@code unit}, that cuts {@code total} into about four blocks per thread (for
     * load balance) but no block larger than {@code max} (rounded up to a unit).
     */
    static int blockSize(int total, int unit, int threads, int max) {
        int cap = roundUp(Math.max(max, unit), unit);
        if (threads <= 1) {
            return Math.min(cap, roundUp(total, unit));
        }
        int target = (total + 4 * threads - 1) / (4 * threads);
        return Math.min(cap, roundUp(Math.max(target, 1), unit));
    }

    static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
