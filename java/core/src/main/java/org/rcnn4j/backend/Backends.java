package org.rcnn4j.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Backends by name: "cpu", "cuda" (GPU 0 through the CUDA driver), "cuda:N" (GPU N), "cuda-emu" (the CPU emulation
 * of CUDA, device 0; "cuda-emu:N" device N), from the {@link BackendProvider}s on the class path (ServiceLoader),
 * in their registration order. A provider is asked for the name before any ':'; it parses the rest.
 */
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
        // cuda:N and cuda-emu:N: device N, as a scheduler that hands out GPUs by address names it
        String kind = n.indexOf(':') < 0 ? n : n.substring(0, n.indexOf(':'));
        List<String> known = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.names().contains(kind)) {
                return p.open(n);
            }
            known.addAll(p.names());
        }
        throw new IllegalArgumentException("device: unknown backend '" + name + "'; expected one of "
                + String.join(", ", known) + " (or cuda:N, cuda-emu:N)");
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
