package org.rcnn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks every reader makes before it opens an input: the path must lead to a regular file. A FIFO nobody writes
 * to would block the open forever, a device could be endless, and a directory is not a file; each is refused
 * with the path and what it is. Text inputs are read whole only up to a size limit and must be valid UTF-8.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Fails unless {@code file} is (or links to) a regular file: NoSuchFileException when nothing is there, an
     * IOException naming the path and its kind otherwise.
     */
    public static void requireRegular(Path file) throws IOException {
        AtomicFiles.Kind kind = AtomicFiles.kindFollowing(file);
        switch (kind) {
            case REGULAR -> {
            }
            case MISSING -> throw new NoSuchFileException(file.toString(), null, "no such file");
            default -> throw new IOException(file + ": is a " + kind.describe() + ", not a regular file (rcnn4j "
                    + "reads inputs from regular files only)");
        }
    }

    /** The file's text: a regular file of at most {@code maxBytes} bytes of UTF-8. */
    public static String readUtf8(Path file, long maxBytes) throws IOException {
        requireRegular(file);
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new IOException(file + ": " + size + " bytes, more than the " + maxBytes + " rcnn4j reads as text");
        }
        return utf8(Files.readAllBytes(file), file.toString());
    }

    /** Strict UTF-8 decoding: malformed bytes are an error naming {@code source} and the byte offset. */
    public static String utf8(byte[] bytes, String source) throws IOException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return d.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(source + ": not valid UTF-8 at byte " + in.position());
        }
    }
}
