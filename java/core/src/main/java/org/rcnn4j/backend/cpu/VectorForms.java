package org.rcnn4j.backend.cpu;

/**
 * Loads the Vector API form of a kernel by class name, so that the classes choosing between forms never link
 * against jdk.incubator.vector, which a JVM started without {@code --add-modules jdk.incubator.vector} lacks.
 */
final class VectorForms {
    /** Set to false, the scalar forms run everywhere (for comparisons, and for JVMs that mishandle the API). */
    static final String PROPERTY = "rcnn4j.cpu.vector";

    private VectorForms() {
    }

    /**
     * A new instance of {@code className} (in this package) as a {@code type}, or null where the JVM has no
     * jdk.incubator.vector, -Drcnn4j.cpu.vector=false, or the class does not load.
     */
    static <T> T load(String className, Class<T> type) {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
        if (!wanted || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return type.cast(Class.forName("org.rcnn4j.backend.cpu." + className).getDeclaredConstructor()
                    .newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
