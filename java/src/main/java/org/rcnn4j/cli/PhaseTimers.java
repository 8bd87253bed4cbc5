package org.rcnn4j.cli;

import org.rcnn4j.backend.Backend;

/** How --repeat times one phase of an op on a backend. */
final class PhaseTimers {
    private PhaseTimers() {
    }

    static OpCall.PhaseTimer forBackend(Backend backend) {
        // Wall time between two synchronizations: exact on the CPU backend (synchronize is a no-op);
        // on CUDA it includes the launch overhead the caller sees.
        return work -> {
            backend.synchronize();
            long t0 = System.nanoTime();
            work.run();
            backend.synchronize();
            return (System.nanoTime() - t0) / 1e6;
        };
    }
}
