package org.rcnn4j.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Backends by name: "cpu", "cuda" (a GPU through the CUDA driver) or "cuda-emu" (the CPU emulation of CUDA), from
 * the {@link BackendProvider}s on the class path (ServiceLoader), in their registration order.
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
        List<String> known = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.names().contains(n)) {
                return p.open(n);
            }
            known.addAll(p.names());
        }
        throw new IllegalArgumentException("device: unknown backend '" + name + "'; expected one of "
                + String.join(", ", known));
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
