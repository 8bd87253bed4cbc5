package org.rcnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Core's test resources (fixtures/, coco/), which reach these tests in core's test-jar on the class path. Through
 * the class loader: the tests run patched into the org.rcnn4j.cli module, where a class finds only its own
 * module's resources.
 */
final class CoreTestResources {
    private CoreTestResources() {
    }

    static URL url(String name) {
        URL url = CoreTestResources.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing: it comes from rcnn4j's test-jar");
        }
        return url;
    }

    static InputStream open(String name) {
        try {
            return url(name).openStream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + name, e);
        }
    }

    /**
     * A copy of the resource in {@code dir}, under its own file name: in a build that packages core (mvn install)
     * the resource is inside the test-jar, not a file.
     */
    static Path copy(String name, Path dir) {
        Path file = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = open(name)) {
            Files.copy(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy test resource " + name + " to " + dir, e);
        }
        return file;
    }
}
