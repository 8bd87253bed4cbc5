package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files oneDNN is looked for under: upstream's soname, distributions' versioned 3.x names, then 2.x. */
class OneDnnCandidatesTest {
    @Test
    void versionedThreeXLibrariesComeBetweenTheSonamesHighestFirst(@TempDir Path dir) throws Exception {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        for (String name : new String[] {"libdnnl.so.3.6", "libdnnl.so.3.10", "libdnnl.so", "libdnnl.so.2",
                "libdnnl.so.3.6.bak", "libdnnl.so.3.x"}) {
            Files.createFile(first.resolve(name));
        }
        Files.createFile(second.resolve("libdnnl.so.3.6"));
        Files.createFile(second.resolve("libdnnl.so.3.7"));
        List<String> got = OneDnn.candidates(List.of(first, dir.resolve("missing"), second));
        assertEquals(List.of("libdnnl.so.3", first.resolve("libdnnl.so.3.10").toString(),
                second.resolve("libdnnl.so.3.7").toString(), first.resolve("libdnnl.so.3.6").toString(),
                "libdnnl.so.2"), got);
    }
}
