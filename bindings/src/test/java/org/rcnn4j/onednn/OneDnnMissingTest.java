package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
        return FreshJvmStatus.run(List.of("-D" + OneDnn.LIBRARY + "=" + library), env -> { });
    }
}
