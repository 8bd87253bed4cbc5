package org.rcnn4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes an output file so that readers never see a half-written one and nothing that is not a regular file is
 * replaced. What happens depends on what the target is:
 *
 * <ul>
 *   <li>missing or a regular file: the data goes to a temporary file beside it (".NAME.PID.RANDOM.tmp"), which
 *       is fsynced, renamed over the target, and the directory fsynced, so neither a killed process nor a machine
 *       crash leaves a partial or empty file where the previous one was;
 *   <li>a symbolic link: the link is followed (as a shell redirection does) and the file it points to is written
 *       by these rules; the link itself stays;
 *   <li>a character device or a FIFO (/dev/null, /dev/stdout, a named pipe): written through, in place;
 *   <li>a directory, a block device or a socket: refused with an IOException naming the path and what it is.
 * </ul>
 *
 * Temporary files left by a killed write (their process no longer runs) are removed by the next write into the
 * same directory of the same target.
 */
public final class AtomicFiles {
    /** Symbolic links followed before giving up (as the kernel's ELOOP limit). */
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {
    }

    /** The writer fills the stream; on any failure the temporary file is removed and the target left as it was. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** What a path names, without following a final symbolic link. */
    public enum Kind {
        MISSING, REGULAR, DIRECTORY, SYMLINK, CHARACTER_DEVICE, FIFO, BLOCK_DEVICE, SOCKET, OTHER;

        /** Written through in place (no temporary file, no rename). */
        boolean writtenThrough() {
            return this == CHARACTER_DEVICE || this == FIFO;
        }

        String describe() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** The kind of {@code p} (a final symbolic link is not followed). */
    public static Kind kindOf(Path p) throws IOException {
        return kindOf(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** The kind of what {@code p} leads to, symbolic links followed (MISSING for a dangling link). */
    static Kind kindFollowing(Path p) throws IOException {
        return kindOf(p, new LinkOption[0]);
    }

    private static Kind kindOf(Path p, LinkOption... follow) throws IOException {
        if (!Files.exists(p, follow)) {
            return Kind.MISSING;
        }
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", follow);
            return switch (mode & 0170000) {
                case 0100000 -> Kind.REGULAR;
                case 0040000 -> Kind.DIRECTORY;
                case 0120000 -> Kind.SYMLINK;
                case 0020000 -> Kind.CHARACTER_DEVICE;
                case 0010000 -> Kind.FIFO;
                case 0060000 -> Kind.BLOCK_DEVICE;
                case 0140000 -> Kind.SOCKET;
                default -> Kind.OTHER;
            };
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" attribute view: the portable attributes cannot tell a device from a FIFO
            if (follow.length > 0 && Files.isSymbolicLink(p)) {
                return Kind.SYMLINK;
            }
            if (Files.isDirectory(p, follow)) {
                return Kind.DIRECTORY;
            }
            return Files.isRegularFile(p, follow) ? Kind.REGULAR : Kind.OTHER;
        } catch (NoSuchFileException e) {
            return Kind.MISSING;
        }
    }

    /** {@code target} with every symbolic link along its last component followed (a dangling one too). */
    static Path followLinks(Path target) throws IOException {
        Path p = target.toAbsolutePath();
        for (int i = 0; i < MAX_LINKS; i++) {
            if (!Files.isSymbolicLink(p)) {
                return p;
            }
            Path link = Files.readSymbolicLink(p);
            Path dir = p.getParent();
            p = (dir == null ? link : dir.resolve(link)).normalize().toAbsolutePath();
        }
        throw new IOException(target + ": more than " + MAX_LINKS + " symbolic links to follow");
    }

    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    public static void write(Path target, Writer writer) throws IOException {
        Kind kind = kindFollowing(target);
        if (kind.writtenThrough()) {
            // opened by the given path: the kernel follows links such as /dev/stdout -> /proc/self/fd/1 -> pipe
            writeThrough(target, writer);
            return;
        }
        Path abs = kind == Kind.MISSING ? followLinks(target) : target.toRealPath();
        if (kind != Kind.MISSING && kind != Kind.REGULAR) {
            throw new IOException(target + (abs.equals(target.toAbsolutePath()) ? "" : " (-> " + abs + ")")
                    + ": is a " + kind.describe() + ", not a regular file: refusing to replace it");
        }
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        String prefix = "." + abs.getFileName() + ".";
        removeStaleTemporaries(dir, prefix);
        Path tmp = Files.createTempFile(dir, prefix + ProcessHandle.current().pid() + ".", ".tmp");
        // temporary files are created owner-only; the finished file gets ordinary permissions
        readableByAll(tmp);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(ch)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            // checked again just before the rename: something may have been put there meanwhile
            Kind now = kindOf(abs);
            if (now != Kind.MISSING && now != Kind.REGULAR) {
                throw new IOException(abs + ": became a " + now.describe() + " while it was written: refusing to "
                        + "replace it");
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes into an existing character device or FIFO in place (opening a FIFO waits for its reader). */
    private static void writeThrough(Path file, Writer writer) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            writer.write(out);
        }
    }

    /** fsync of the directory, so the rename survives a machine crash (where the file system allows it). */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems and platforms cannot open or sync a directory; the file itself was synced
        }
    }

    /** Removes this target's temporary files whose writing process no longer runs (a killed write's). */
    private static void removeStaleTemporaries(Path dir, String prefix) {
        if (dir == null) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue; // a write in progress
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // cleaning up is best effort: the write itself goes on
        }
    }
}
