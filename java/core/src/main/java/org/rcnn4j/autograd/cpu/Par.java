package org.rcnn4j.autograd.cpu;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs a loop body over [0, n) in chunks, in parallel on the common pool when n is large. */
public final class Par {
    /** Below this many elements, threads cost more than they save. */
    public static final int GRAIN = 1 << 15;

    private Par() {
    }

    /** Calls {@code chunk.accept(c)} for chunks c of [0, n) of GRAIN elements; bounds via {@link #lo}/{@link #hi}. */
    public static void chunks(int n, IntConsumer chunk) {
        int chunks = (n + GRAIN - 1) / GRAIN;
        if (chunks <= 1) {
            if (n > 0) {
                chunk.accept(0);
            }
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(chunk);
    }

    public static int lo(int chunk) {
        return chunk * GRAIN;
    }

    public static int hi(int chunk, int n) {
        return Math.min(n, (chunk + 1) * GRAIN);
    }

    /** Runs body(i) for i in [0, outer) in parallel when outer * inner (work) is large. */
    public static void outer(int outer, long inner, IntConsumer body) {
        if (outer > 1 && outer * inner >= GRAIN) {
            IntStream.range(0, outer).parallel().forEach(body);
        } else {
            for (int i = 0; i < outer; i++) {
                body.accept(i);
            }
        }
    }
}
