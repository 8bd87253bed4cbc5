package org.rcnn4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * rcnn4j's kernels as Maven packed them: {@code rcnn4j.fatbin} (cubins + PTX from nvcc), or, where nvcc was
 * absent at build time, {@code rcnn4j.fatbin.missing} saying why.
 */
final class Fatbin {
    static final String RESOURCE = "/org/rcnn4j/native/rcnn4j.fatbin";
    static final String MISSING_RESOURCE = "/org/rcnn4j/native/rcnn4j.fatbin.missing";

    private Fatbin() {
    }

    /** Whether this build holds a fatbin (without reading it). */
    static boolean present() {
        return Fatbin.class.getResource(RESOURCE) != null;
    }

    /** The fatbin's bytes, or null when this build has none. */
    static byte[] bytesOrNull() {
        return read(RESOURCE);
    }

    /** Why this build has no fatbin (for an error message). */
    static String missingReason() {
        byte[] why = read(MISSING_RESOURCE);
        if (why != null) {
            return new String(why, StandardCharsets.UTF_8).trim();
        }
        return "the classpath holds neither " + RESOURCE + " nor " + MISSING_RESOURCE
                + " (was rcnn4j built with -Drcnn4j.skipNative=true?)";
    }

    private static byte[] read(String resource) {
        try (InputStream in = Fatbin.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
