package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without libcuda.so.1, asking for the real driver must say so clearly and leave the emulator usable. */
class NoDriverTest {

    @Test
    void realDriverAbsenceIsReportedAndDoesNotPoisonTheEmulator() throws Exception {
        Assumptions.assumeFalse(DriverProbe.driverPresent(),
                "this machine has a CUDA driver (" + DriverProbe.driverLocation() + "): nothing to check");
        List<String> lines = runFreshJvm();
        assertEquals(2, lines.size(), String.join("\n", lines));
        // a library's message says what is missing, not which command-line option to use instead
        assertEquals("REAL CudaUnavailableException: no CUDA driver (libcuda.so.1) on this machine", lines.get(0));
        // the emulator either runs or is absent from this build, but never fails because of the attempt above
        String emu = lines.get(1);
        assertTrue(emu.startsWith("EMU ok ") || emu.startsWith("EMU CudaUnavailableException: "), emu);
    }

    private static List<String> runFreshJvm() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the child runs on the class path, as the CLI does: this JVM's class path and, when its tests run on the
        // module path, its module path too (the bindings and JCuda)
        String classPath = System.getProperty("java.class.path");
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            classPath = classPath + File.pathSeparator + modulePath;
        }
        Process p = new ProcessBuilder(java, "-cp", classPath, FreshJvmOpen.class.getName())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("REAL") || l.startsWith(
                "EMU")).toList();
    }

    @Test
    void probeFindsNoDriverWhereTheLoaderHasNone() {
        // consistency of the two ways the probe looks: a directory hit must really hold the library
        String where = DriverProbe.driverLocation();
        if (where != null && !where.equals("ld.so.cache")) {
            assertTrue(java.nio.file.Files.isRegularFile(Path.of(where, "libcuda.so.1")), where);
        }
    }
}
