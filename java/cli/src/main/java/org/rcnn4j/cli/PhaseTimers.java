package org.rcnn4j.cli;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cuda.CudaBackend;

/** How --repeat times one phase of an op on a backend. */
final class PhaseTimers {
    private PhaseTimers() {
    }

    static OpCall.PhaseTimer forBackend(Backend backend) {
        if (backend instanceof CudaBackend cuda) {
            // device time between CUDA events around the phase (host work inside it, such as a count read back,
            // delays the stop event and so is included)
            return work -> cuda.device().elapsedMillis(work);
        }
        return work -> {
            backend.synchronize();
            long t0 = System.nanoTime();
            work.run();
            backend.synchronize();
            return (System.nanoTime() - t0) / 1e6;
        };
    }
}
