package org.rcnn4j.backend.cpu;

import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.BackendProvider;

/** Provides "cpu" to {@link org.rcnn4j.backend.Backends} (a service registered in META-INF/services). */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public List<String> names() {
        return List.of("cpu");
    }

    @Override
    public Backend open(String name) {
        if (!name.equals("cpu")) { // one CPU backend: no device number after a colon
            throw new IllegalArgumentException("device: '" + name + "' names no backend: the CPU backend is 'cpu'");
        }
        return new CpuBackend();
    }
}
