package org.rcnn4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads the CUDA emulator (cuda/emu): a stand-in {@code libcuda.so.1} that runs rcnn4j's kernels on the CPU.
 *
 * <p>JCuda's native library {@code libJCudaDriver} depends on {@code libcuda.so.1} by its SONAME. When a library of
 * that SONAME is already loaded in the process, the dynamic linker binds libJCudaDriver to it instead of searching for
 * NVIDIA's driver. So {@link #load()} must run before any JCuda class loads its natives (before the first
 * {@code JCudaDriver} call), and after it, every JCuda driver call in this JVM goes to the emulator.
 *
 * <p>One JVM uses either the real driver or the emulator, never both: whichever {@code libcuda.so.1} is loaded
 * first serves the whole process, and neither can be unloaded. Run emulated and GPU tests in separate JVMs.
 *
 * <p>The library comes from the classpath resource {@value #RESOURCE} (built by CMake and packed into the bindings
 * jar), or from the file named by the system property {@value #PATH_PROPERTY}.
 */
public final class EmulatorLibrary {

    /** Where the build puts the emulator in the bindings jar. */
    public static final String RESOURCE = "/org/rcnn4j/native/linux-x86_64/libcuda.so.1";
    private static final String RESOURCE_DIR = "/org/rcnn4j/native/linux-x86_64/";
    /** The emulator's stand-in cuBLAS and cuDNN, extracted next to it (with -D{@value #PATH_PROPERTY}, found there). */
    private static final String[] STAND_INS = {NvidiaLibraries.CUBLAS_STANDIN, NvidiaLibraries.CUDNN_STANDIN};
    /** System property naming an emulator library file to load instead of the packed one. */
    public static final String PATH_PROPERTY = "rcnn4j.emu.library";

    private static Path loadedFrom;

    private EmulatorLibrary() {
    }

    /**
     * Loads the emulator into this JVM; later calls do nothing. Call before the first JCuda driver call.
     *
     * @throws UnsupportedOperationException on a platform other than linux-x86_64
     * @throws IllegalStateException when the jar was built without the emulator, or the library cannot be loaded
     */
    public static synchronized void load() {
        if (loadedFrom != null) {
            return;
        }
        String override = System.getProperty(PATH_PROPERTY);
        Path path;
        if (override != null && !override.isBlank()) {
            path = Path.of(override).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(
                        "-D" + PATH_PROPERTY + "=" + override + " does not name a file (expected the CUDA emulator "
                                + "library, build/cmake/out/linux-x86_64/libcuda.so.1)");
            }
        } else {
            checkPlatform();
            path = extract();
        }
        try {
            System.load(path.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load the CUDA emulator from " + path + ": " + e.getMessage(), e);
        }
        loadedFrom = path;
    }

    /** Whether {@link #load()} has loaded the emulator into this JVM. */
    public static synchronized boolean isLoaded() {
        return loadedFrom != null;
    }

    /** The file the emulator was loaded from, or null when it is not loaded. */
    public static synchronized Path loadedFrom() {
        return loadedFrom;
    }

    private static void checkPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        if (!os.startsWith("linux") || !x64) {
            throw new UnsupportedOperationException(
                    "the CUDA emulator is built for linux-x86_64 only; this JVM runs on " + os + "/" + arch);
        }
    }

    private static Path extract() {
        try (InputStream in = EmulatorLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the CUDA emulator is not on the classpath (" + RESOURCE + " is missing): rcnn4j-bindings was "
                                + "built without it (-Drcnn4j.skipNative=true, or CMake with "
                                + "RCNN4J_BUILD_EMULATOR=OFF). Build with native code, or point -D" + PATH_PROPERTY
                                + " at a built libcuda.so.1");
            }
            // A private directory: the file name must stay libcuda.so.1, and nobody else may swap the file.
            Path dir = Files.createTempDirectory("rcnn4j-cuda-emu-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("libcuda.so.1");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit();  // deleted in reverse order of registration: the files first
            file.toFile().deleteOnExit();
            // the stand-in cuBLAS and cuDNN go beside it: NvidiaLibraries loads them from there by absolute path
            for (String standIn : STAND_INS) {
                try (InputStream lib = EmulatorLibrary.class.getResourceAsStream(RESOURCE_DIR + standIn)) {
                    if (lib != null) {
                        Path f = dir.resolve(standIn);
                        Files.copy(lib, f, StandardCopyOption.REPLACE_EXISTING);
                        f.toFile().deleteOnExit();
                    }
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the CUDA emulator to a temporary directory", e);
        }
    }
}
