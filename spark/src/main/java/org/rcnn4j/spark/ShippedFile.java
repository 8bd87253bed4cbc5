package org.rcnn4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;

/**
 * A file of the driver sent to every executor once through {@link SparkContext#addFile} (each executor fetches it
 * when its first task needs it), named by its content hash so that two files of the same name never collide and
 * executors can key what they build from it by content.
 *
 * @param name   the name under which {@link SparkFiles#get} finds it: the hash's first 16 digits, a dash, the file's
 *               own name
 * @param sha256 the content's SHA-256 in hex
 */
record ShippedFile(String name, String sha256) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Per SparkContext (application id) the names already added: addFile refuses a name twice. */
    private static final Set<String> ADDED = ConcurrentHashMap.newKeySet();
    private static volatile Path stagingDir;

    /** Hashes {@code file} and adds it to the context unless an equal file was added before. */
    static ShippedFile ship(SparkContext sc, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "not a readable file on the driver");
        }
        String hash = sha256(file);
        String name = hash.substring(0, 16) + "-" + file.getFileName();
        if (ADDED.add(sc.applicationId() + "/" + name)) {
            Path staged = staging().resolve(name);
            try {
                // a link costs nothing; a copy where the file system has no links
                Files.createLink(staged, file.toAbsolutePath());
            } catch (FileAlreadyExistsException e) {
                // staged before for another context: the name holds the same content
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, staged);
            }
            sc.addFile(staged.toString());
        }
        return new ShippedFile(name, hash);
    }

    private static synchronized Path staging() throws IOException {
        if (stagingDir == null) {
            Path dir = Files.createTempDirectory("rcnn4j-spark-files");
            dir.toFile().deleteOnExit();
            stagingDir = dir;
        }
        return stagingDir;
    }

    /**
     * The executor's copy, checked against the driver's hash.
     *
     * @throws IOException the file is missing or differs from the driver's
     */
    Path local() throws IOException {
        Path p = Path.of(SparkFiles.get(name));
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString(), null, "the file the driver shipped is not on this executor");
        }
        String got = sha256(p);
        if (!got.equals(sha256)) {
            throw new IOException(p + ": SHA-256 " + got + " differs from the driver's " + sha256);
        }
        return p;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** For callers that cannot throw IOException. */
    static ShippedFile shipUnchecked(SparkContext sc, Path file) {
        try {
            return ship(sc, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ship " + file + " to the executors: " + e.getMessage(), e);
        }
    }
}
