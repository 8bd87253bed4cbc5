package org.rcnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("out.bin");
        Files.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the original file is left");
        }
    }

    @Test
    void createsParentDirectoriesAndReplaces() throws IOException {
        Path f = dir.resolve("a/b/out.bin");
        AtomicFiles.write(f, out -> out.write(1));
        AtomicFiles.write(f, out -> out.write(2));
        assertEquals(2, Files.readAllBytes(f)[0]);
    }

    @Test
    void theFinishedFileIsReadableByOthers() throws IOException {
        Path f = dir.resolve("shared.bin");
        AtomicFiles.write(f, out -> out.write(7));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(f)));
    }
}
