package org.rcnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    // ---- issue 17, items 2 and 8: special files, symbolic links, stale temporaries ----------------------------

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, pr.waitFor(), "mkfifo");
    }

    @Test
    void devNullIsWrittenThroughNotReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        AtomicFiles.write(devNull, out -> out.write(new byte[1000]));
        assertEquals(AtomicFiles.Kind.CHARACTER_DEVICE, AtomicFiles.kindOf(devNull), "still a device");
    }

    @Test
    void aFifoIsWrittenThroughToItsReader() throws Exception {
        Path fifo = dir.resolve("pipe");
        mkfifo(fifo);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        AtomicFiles.write(fifo, out -> out.write("through".getBytes(StandardCharsets.UTF_8)));
        assertEquals("through", new String(read.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertEquals(AtomicFiles.Kind.FIFO, AtomicFiles.kindOf(fifo), "still a FIFO");
    }

    @Test
    void aSymlinkIsFollowedAndStaysALink() throws IOException {
        Path real = dir.resolve("real.bin");
        Files.writeString(real, "old");
        Path link = dir.resolve("link.bin");
        Files.createSymbolicLink(link, Path.of("real.bin"));
        AtomicFiles.write(link, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals("new", Files.readString(real));

        Path dangling = dir.resolve("dangling.bin");
        Files.createSymbolicLink(dangling, dir.resolve("sub/made.bin"));
        AtomicFiles.write(dangling, out -> out.write(7));
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals(7, Files.readAllBytes(dir.resolve("sub/made.bin"))[0]);
    }

    @Test
    void aDirectoryOrSocketIsRefusedWithItsPath() throws IOException {
        Path d = dir.resolve("model.safetensors");
        Files.createDirectories(d);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(d, out -> out.write(1)));
        assertTrue(e.getMessage().contains(d.toString()) && e.getMessage().contains("is a directory"),
                e.getMessage());
        assertTrue(Files.isDirectory(d));

        Path sock = dir.resolve("s.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(sock));
            IOException se = assertThrows(IOException.class, () -> AtomicFiles.write(sock, out -> out.write(1)));
            assertTrue(se.getMessage().contains("is a socket"), se.getMessage());
            assertEquals(AtomicFiles.Kind.SOCKET, AtomicFiles.kindOf(sock));
        }
    }

    @Test
    void temporariesOfKilledWritesAreRemovedLiveOnesKept() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        long dead = deadPid();
        Path stale = dir.resolve(".ckpt.safetensors." + dead + ".123456.tmp");
        Path live = dir.resolve(".ckpt.safetensors." + ProcessHandle.current().pid() + ".99.tmp");
        Path foreign = dir.resolve(".other.bin." + dead + ".1.tmp");
        Files.write(stale, new byte[100]);
        Files.write(live, new byte[100]);
        Files.write(foreign, new byte[100]);
        AtomicFiles.write(f, out -> out.write(1));
        assertFalse(Files.exists(stale), "a dead process's temporary is removed");
        assertTrue(Files.exists(live), "a running process's temporary is kept");
        assertTrue(Files.exists(foreign), "another target's temporary is not this write's business");
    }

    /** A process id that no running process has. */
    private static long deadPid() throws IOException {
        Process p = new ProcessBuilder("true").start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return p.pid();
    }
}
