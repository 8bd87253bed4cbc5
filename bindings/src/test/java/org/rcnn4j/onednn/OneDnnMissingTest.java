package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where oneDNN cannot be opened, the status says which files were tried, why, and what to install. */
class OneDnnMissingTest {
    @Test
    void aMissingLibraryIsReportedWithWhatToInstall() throws Exception {
        List<String> lines = runFreshJvm("/nonexistent/libdnnl.so.2");
        assertEquals(1, lines.size(), String.join("\n", lines));
        String line = lines.get(0);
        assertTrue(line.startsWith("STATUS oneDNN not loaded: no usable /nonexistent/libdnnl.so.2 on this machine ("),
                line);
        assertTrue(line.contains("/nonexistent/libdnnl.so.2: cannot open shared object file"), line);
        assertTrue(line.endsWith("install oneDNN (Debian 12: apt-get install libdnnl2; Debian 13: libdnnl3.6)"), line);
    }

    private static List<String> runFreshJvm(String library) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            classPath = classPath + File.pathSeparator + modulePath;
        }
        Process p = new ProcessBuilder(java, "-D" + OneDnn.LIBRARY + "=" + library, "-cp", classPath,
                FreshJvmStatus.class.getName()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("STATUS")).toList();
    }
}
