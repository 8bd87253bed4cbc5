package org.rcnn4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an output directory for as long as a run writes into it, so that a second run into the
 * same directory (another process, or this one) refuses instead of interleaving its log and checkpoints. The lock
 * is an OS file lock on {@value #NAME} in the directory: it is released when the process ends, however it ends, so
 * a killed run never leaves a stale lock. The file itself stays (removing it would race with a new run's lock).
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String NAME = ".rcnn4j.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir} (created if missing), or fails naming the directory when it is held. */
    public static DirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(NAME);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new IOException(dir + ": another run is writing into this directory (it holds the lock " + file
                    + "); wait for it to finish or use another directory");
        }
        return new DirectoryLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
