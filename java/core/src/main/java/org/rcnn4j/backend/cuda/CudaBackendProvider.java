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
        return CudaBackend.open("cuda-emu".equals(name));
    }
}
