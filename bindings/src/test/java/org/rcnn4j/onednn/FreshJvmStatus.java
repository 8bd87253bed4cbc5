package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Run in a child JVM by the tests that open oneDNN afresh ({@link OneDnnMissingTest}, {@link OneDnnSpinCountTest}):
 * prints what opening oneDNN gave, on one line.
 */
public final class FreshJvmStatus {
    private FreshJvmStatus() {
    }

    public static void main(String[] args) {
        System.out.println("STATUS " + OneDnn.status().describe());
    }

    /**
     * The lines starting with STATUS that {@link #main} prints in a child JVM on this test's class path, started with
     * {@code options} and the environment as {@code environment} edits it. The child runs the JDK's java, or the
     * launcher system property {@code rcnn4j.test.java} names (tools/test_onednn3.sh: the one that loads Debian 13's
     * C/C++ runtime, which its oneDNN 3 needs).
     */
    static List<String> run(List<String> options, Consumer<Map<String, String>> environment) throws Exception {
        String java = System.getProperty("rcnn4j.test.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            classPath = classPath + File.pathSeparator + modulePath;
        }
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", classPath, FreshJvmStatus.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        environment.accept(pb.environment());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("STATUS")).toList();
    }
}
