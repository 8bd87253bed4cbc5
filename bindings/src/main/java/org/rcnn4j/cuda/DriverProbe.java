package org.rcnn4j.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks for NVIDIA's driver library and GPU device nodes without touching JCuda: a failed load in JCudaDriver's
 * static initializer poisons that class for the rest of the JVM (and would rule out the emulator too), so the
 * real driver is only loaded where it is known to exist.
 */
public final class DriverProbe {
    static final String LIBRARY = "libcuda.so.1";

    private static final String[] STANDARD_DIRS = {
        "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        "/usr/local/cuda/compat", "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
    };

    private DriverProbe() {
    }

    /** Where libcuda.so.1 was found (a directory, or "ld.so.cache"), or null when the loader cannot find it. */
    public static String driverLocation() {
        for (String dir : searchDirs()) {
            if (Files.isRegularFile(Path.of(dir, LIBRARY))) {
                return dir;
            }
        }
        return inLoaderCache() ? "ld.so.cache" : null;
    }

    /** Whether the real driver library is installed (it still may find no device). */
    public static boolean driverPresent() {
        return driverLocation() != null;
    }

    /**
     * Whether this machine shows a GPU to user space: NVIDIA's device nodes or /proc entries (or WSL's /dev/dxg).
     * Only a hint, used to choose between the GPU and the emulator; the driver has the last word.
     */
    public static boolean gpuVisible() {
        if (Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/dxg"))) {
            return true;
        }
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        try (var entries = Files.list(gpus)) {
            return entries.findAny().isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<String> searchDirs() {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(List.of(STANDARD_DIRS));
        return dirs;
    }

    /**
     * The loader's cache holds sonames and paths as NUL-terminated strings (newer glibc shares a soname with the
     * tail of its path), so a byte search for the name after a NUL or '/' is enough.
     */
    private static boolean inLoaderCache() {
        Path cache = Path.of("/etc/ld.so.cache");
        try {
            if (!Files.isRegularFile(cache) || Files.size(cache) > 64L << 20) {
                return false;
            }
            byte[] data = Files.readAllBytes(cache);
            byte[] needle = (LIBRARY + "\0").getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                if (data[i] != needle[0] || (i > 0 && data[i - 1] != 0 && data[i - 1] != '/')) {
                    continue;
                }
                for (int j = 1; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
