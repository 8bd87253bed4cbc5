package org.rcnn4j.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.cuda.CudaDevice;

/** The backends --device names, and {@code rcnn4j devices}: which of them work here, and why not. */
final class Devices {
    static final List<String> NAMES = List.of("cpu", "cuda", "cuda-emu");

    /** How backends are made; tests substitute a stand-in to check the CLI's own mechanics. */
    static volatile Function<String, Backend> factory = Backends::create;

    private Devices() {
    }

    static String checkName(String name) {
        if (!NAMES.contains(name)) {
            throw new UsageException("--device: unknown device '" + name + "' (expected " + String.join(", ", NAMES)
                    + ")");
        }
        return name;
    }

    /** Opens a backend; one that cannot start here is a UsageException saying why. */
    static Backend open(String name) {
        checkName(name);
        try {
            return factory.apply(name);
        } catch (RuntimeException | LinkageError e) {
            throw new UsageException("--device " + name + " is not available here: " + Main.describe(e)
                    + hint(name, e));
        }
    }

    /** What to try instead, unless the backend's own message already says. */
    private static String hint(String name, Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("--device") || m.contains("build")) {
            return "";
        }
        return switch (name) {
            case "cuda" -> " (needs an NVIDIA GPU and driver; try --device cuda-emu or cpu)";
            case "cuda-emu" -> " (needs the CUDA emulator built by CMake with g++: build without -Drcnn4j.skipNative)";
            default -> "";
        };
    }

    static String help() {
        return """
                usage: rcnn4j devices

                Lists the devices (backends) --device takes: cpu, cuda and cuda-emu, whether each works on this
                machine, and if not, why (no GPU or driver, emulator not built) and what to try instead.
                """;
    }

    static int list(PrintStream out) {
        out.printf("%-9s %-12s %s%n", "device", "status", "details");
        for (String name : NAMES) {
            String status;
            String details;
            try (Backend b = factory.apply(name)) {
                status = "available";
                details = describe(b);
            } catch (RuntimeException | LinkageError e) {
                status = "unavailable";
                details = Main.describe(e) + hint(name, e);
            }
            out.printf("%-9s %-12s %s%n", name, status, details);
        }
        return 0;
    }

    private static String describe(Backend b) {
        return switch (b.name()) {
            case "cpu" -> "pure Java, " + Runtime.getRuntime().availableProcessors() + " processors, common pool "
                    + "parallelism " + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
            case "cuda" -> b instanceof CudaBackend c ? gpu(c.device()) : "rcnn4j kernels on the GPU";
            case "cuda-emu" -> "rcnn4j's CUDA kernels on the CPU emulation of CUDA (slow; for testing)";
            default -> b.name();
        };
    }

    private static String gpu(CudaDevice d) {
        return d.name() + " (compute capability " + d.computeCapabilityMajor() + "." + d.computeCapabilityMinor()
                + ", " + d.multiprocessorCount() + " SMs)";
    }
}
