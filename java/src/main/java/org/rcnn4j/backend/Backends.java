package org.rcnn4j.backend;

import org.rcnn4j.backend.cpu.CpuBackend;

/**
 * PLACEHOLDER until the device layer lands on main (its owner replaces this file): creates a backend by name.
 * Only "cpu" exists here; "cuda" and "cuda-emu" throw.
 */
public final class Backends {
    private Backends() {
    }

    public static Backend create(String name) {
        return switch (name) {
            case "cpu" -> new CpuBackend();
            case "cuda", "cuda-emu" -> throw new UnsupportedOperationException(
                    "the " + name + " backend is not built into this version yet");
            default -> throw new IllegalArgumentException("unknown backend '" + name
                    + "' (expected cpu, cuda or cuda-emu)");
        };
    }
}
