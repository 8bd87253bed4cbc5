package org.rcnn4j.backend;

import java.util.Locale;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;

/** Backends by name: "cpu", "cuda" (a GPU through the CUDA driver) or "cuda-emu" (the CPU emulation of CUDA). */
public final class Backends {
    public static final String PROPERTY = "rcnn4j.device";
    public static final String ENVIRONMENT = "RCNN4J_DEVICE";
    public static final String DEFAULT = "cpu";

    private Backends() {
    }

    /**
     * The backend named {@code name}.
     *
     * @throws IllegalArgumentException an unknown name
     * @throws org.rcnn4j.cuda.CudaUnavailableException CUDA asked for but unavailable here (the message says why)
     */
    public static Backend create(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "cpu" -> new CpuBackend();
            case "cuda" -> CudaBackend.open(false);
            case "cuda-emu" -> CudaBackend.open(true);
            default -> throw new IllegalArgumentException("device: unknown backend '" + name
                    + "'; expected one of cpu, cuda, cuda-emu");
        };
    }

    /** The backend named by system property rcnn4j.device, else environment RCNN4J_DEVICE, else "cpu". */
    public static Backend fromEnvironment() {
        return create(configuredName());
    }

    /** The name {@link #fromEnvironment()} uses. */
    public static String configuredName() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            name = System.getenv(ENVIRONMENT);
        }
        return name == null || name.isBlank() ? DEFAULT : name.trim();
    }
}
