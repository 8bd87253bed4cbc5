package org.rcnn4j.backend;

import java.util.Locale;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;

/**
 * Backends by name: "cpu", "cuda" (GPU 0 through the CUDA driver), "cuda:N" (GPU N) or "cuda-emu" (the CPU
 * emulation of CUDA, device 0; "cuda-emu:N" device N).
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
        return switch (n) {
            case "cpu" -> new CpuBackend();
            case "cuda" -> CudaBackend.open(false);
            case "cuda-emu" -> CudaBackend.open(true);
            default -> {
                // cuda:N and cuda-emu:N: device N, as a scheduler that hands out GPUs by address names it
                int colon = n.indexOf(':');
                String kind = colon < 0 ? n : n.substring(0, colon);
                if (colon < 0 || !(kind.equals("cuda") || kind.equals("cuda-emu"))) {
                    throw new IllegalArgumentException("device: unknown backend '" + name
                            + "'; expected one of cpu, cuda, cuda-emu (or cuda:N, cuda-emu:N)");
                }
                yield CudaBackend.open(kind.equals("cuda-emu"), ordinal(name, n.substring(colon + 1)));
            }
        };
    }

    private static int ordinal(String name, String digits) {
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("device: '" + name + "' names no device: expected cuda:N with N a "
                    + "device number (0, 1, ...)");
        }
        return Integer.parseInt(digits);
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
