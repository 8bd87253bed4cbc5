package org.rcnn4j.backend.cuda;

import java.util.function.Supplier;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.TensorAssert;

/** The run-to-run check of the deterministic (fixed-point) RoI backward kernels, shared by roi_align and roi_pool. */
final class RoiGradRuns {
    private static final int RUNS = 3;

    private RoiGradRuns() {
    }

    /**
     * Runs {@code backward} (a fresh device gradient each call) three times: the first result must be within
     * {@code tolerance} of {@code expected}, every later one must have the first one's bits.
     */
    static void assertSameBitsEveryRun(Backend cuda, String seed, Tensor expected, double tolerance,
            Supplier<Tensor> backward) {
        Tensor first = null;
        for (int run = 0; run < RUNS; run++) {
            try (Tensor grad = backward.get()) {
                Tensor host = cuda.toHost(grad);
                if (first == null) {
                    first = host;
                    TensorAssert.assertClose(seed + " grad_input", expected, host, tolerance);
                } else {
                    TensorAssert.assertExact(seed + " run " + run, first, host);
                }
            }
        }
    }
}
