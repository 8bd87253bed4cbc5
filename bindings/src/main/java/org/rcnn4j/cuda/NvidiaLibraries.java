package org.rcnn4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/**
 * Loads rcnn4j's JNI binding of cuBLAS and cuDNN ({@code librcnn4j_nvidia.so}, packed in the bindings jar) and,
 * through it, the libraries themselves, once per JVM:
 * <ul>
 *   <li>with the real driver, NVIDIA's libraries by soname as the dynamic loader finds them:
 *       {@code libcublas.so.13}, else {@code libcublas.so.12}; {@code libcudnn.so.9}. A library that turns out to
 *       be rcnn4j's stand-in (it exports {@code rcnn4j_emu_standin}) is refused;</li>
 *   <li>with the emulator, only the stand-ins that {@link EmulatorLibrary} put next to the emulator's
 *       {@code libcuda.so.1}, by absolute path: never NVIDIA's libraries (they cannot run on the emulator), and the
 *       stand-ins are never found by a soname search on a GPU machine.</li>
 * </ul>
 * A JVM has one libcuda (real or emulated), so the answer is fixed per JVM.
 */
final class NvidiaLibraries {
    static final String BINDING_RESOURCE = "/org/rcnn4j/native/linux-x86_64/librcnn4j_nvidia.so";
    static final String CUBLAS_STANDIN = "libcublas.so.13";
    static final String CUDNN_STANDIN = "libcudnn.so.9";
    private static final List<String> CUBLAS_NAMES = List.of("libcublas.so.13", "libcublas.so.12");
    private static final List<String> CUDNN_NAMES = List.of("libcudnn.so.9");

    /** What opening a library gave: the file and whether it is a stand-in, or why it failed. */
    record Opened(String path, boolean standIn, String error) {
    }

    private static String bindingError;
    private static boolean bindingLoaded;
    private static Opened cublas;
    private static Opened cudnn;

    private NvidiaLibraries() {
    }

    static synchronized Opened cublas(boolean emulated) {
        if (cublas == null) {
            cublas = open("cuBLAS", emulated, CUBLAS_NAMES, CUBLAS_STANDIN, true);
        }
        return cublas;
    }

    static synchronized Opened cudnn(boolean emulated) {
        if (cudnn == null) {
            cudnn = open("cuDNN", emulated, CUDNN_NAMES, CUDNN_STANDIN, false);
        }
        return cudnn;
    }

    private static Opened open(String library, boolean emulated, List<String> names, String standIn,
            boolean isCublas) {
        String binding = loadBinding();
        if (binding != null) {
            return new Opened(null, false, binding);
        }
        String[] candidates;
        if (emulated) {
            Path dir = EmulatorLibrary.loadedFrom() == null ? null : EmulatorLibrary.loadedFrom().getParent();
            Path file = dir == null ? null : dir.resolve(standIn);
            if (file == null || !Files.isRegularFile(file)) {
                return new Opened(null, false, "the CUDA emulator's stand-in " + standIn + " is not next to its "
                        + "libcuda.so.1" + (dir == null ? "" : " in " + dir) + " (built by CMake with the emulator)");
            }
            candidates = new String[] {file.toString()};
        } else {
            candidates = names.toArray(new String[0]);
        }
        String[] info = new String[2];
        String error;
        try {
            error = isCublas ? NvidiaNative.openCublas(candidates, info) : NvidiaNative.openCudnn(candidates, info);
        } catch (LinkageError e) {
            return new Opened(null, false, "rcnn4j's JNI binding lacks its natives: " + e);
        }
        if (error != null) {
            return new Opened(null, false, emulated ? error : "no usable " + String.join(" or ", names)
                    + " on this machine (" + error + ")");
        }
        boolean isStandIn = "stand-in".equals(info[1]);
        if (!emulated && isStandIn) {
            return new Opened(info[0], true, info[0] + " is rcnn4j's CPU stand-in for the emulator, not NVIDIA's "
                    + library + "; remove its directory from the library path");
        }
        if (emulated && !isStandIn) {
            return new Opened(info[0], false, info[0] + " is not rcnn4j's stand-in; NVIDIA's " + library
                    + " cannot run on the CUDA emulator");
        }
        return new Opened(info[0], isStandIn, null);
    }

    /** Loads librcnn4j_nvidia.so once; null when loaded, else why not. */
    private static String loadBinding() {
        if (bindingLoaded) {
            return null;
        }
        if (bindingError != null) {
            return bindingError;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            bindingError = "rcnn4j's cuBLAS/cuDNN binding is built for linux-x86_64 only (this JVM: " + os + "/"
                    + arch + ")";
            return bindingError;
        }
        try (InputStream in = NvidiaLibraries.class.getResourceAsStream(BINDING_RESOURCE)) {
            if (in == null) {
                bindingError = "rcnn4j's cuBLAS/cuDNN binding is not in this build (" + BINDING_RESOURCE + " is "
                        + "missing: built without jni.h, or with -Drcnn4j.skipNative=true)";
                return bindingError;
            }
            Path dir = Files.createTempDirectory("rcnn4j-nvidia-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("librcnn4j_nvidia.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit();
            file.toFile().deleteOnExit();
            System.load(file.toString());
            bindingLoaded = true;
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            bindingError = "rcnn4j's cuBLAS/cuDNN binding failed to load: " + e;
            return bindingError;
        }
    }

    /** The device address of a buffer's first byte. */
    static long address(DeviceBuffer buffer) {
        return buffer == null ? 0 : NvidiaNative.address(buffer.pointer());
    }

    /** The raw CUstream of a device's stream. */
    static long stream(CudaDevice device) {
        return NvidiaNative.address(device.stream());
    }
}
