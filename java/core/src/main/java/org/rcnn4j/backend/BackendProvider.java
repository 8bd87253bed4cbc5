package org.rcnn4j.backend;

import java.util.List;

/**
 * Opens the backends of one implementation by name; {@link Backends} finds providers with
 * {@link java.util.ServiceLoader} (registered in META-INF/services/org.rcnn4j.backend.BackendProvider), so this
 * package does not depend on its implementations (backend.cpu, backend.cuda depend on it).
 */
public interface BackendProvider {
    /** The names this provider opens (for example "cpu", or "cuda" and "cuda-emu"), lower case. */
    List<String> names();

    /**
     * Opens the backend named {@code name}, one of {@link #names()}.
     *
     * @throws RuntimeException the backend cannot start here (the message says why)
     */
    Backend open(String name);
}
