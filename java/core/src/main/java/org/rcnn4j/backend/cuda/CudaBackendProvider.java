package org.rcnn4j.backend.cuda;

import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.BackendProvider;

/**
 * Provides "cuda" (a GPU through the CUDA driver) and "cuda-emu" (the CPU emulation of CUDA) to
 * {@link org.rcnn4j.backend.Backends} (a service registered in META-INF/services).
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public List<String> names() {
        return List.of("cuda", "cuda-emu");
    }

    @Override
    public Backend open(String name) {
        int colon = name.indexOf(':');
        String kind = colon < 0 ? name : name.substring(0, colon);
        return CudaBackend.open("cuda-emu".equals(kind), colon < 0 ? 0 : ordinal(name, name.substring(colon + 1)));
    }

    private static int ordinal(String name, String digits) {
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("device: '" + name + "' names no device: expected cuda:N with N a "
                    + "device number (0, 1, ...)");
        }
        return Integer.parseInt(digits);
    }
}
