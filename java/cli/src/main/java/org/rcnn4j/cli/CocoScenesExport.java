package org.rcnn4j.cli;

import org.rcnn4j.data.CocoGroundTruth;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.io.Json;
import org.rcnn4j.viz.Images;
import org.rcnn4j.viz.Pngs;

/**
 * Writes a dataset in COCO "instances" form: DIR/images/NNNNNN.png and DIR/annotations.json (images,
 * annotations with bbox [x, y, w, h], area = mask pixel count, iscrowd 0, segmentation as uncompressed RLE,
 * categories), numbered as {@link CocoGroundTruth} numbers them. The whole directory is built under a temporary name beside DIR and renamed at the end, so DIR
 * either does not exist or is complete.
 */
public final class CocoScenesExport {
    private CocoScenesExport() {
    }

    /** Hook to add files (e.g. a preview picture) to the directory before it is renamed into place. */
    public interface Extra {
        void write(Path dir) throws IOException;
    }

    /**
     * @param classNames category names; category id c (= label c) is classNames[c - 1]
     * @param extra      may be null
     */
    public static void write(Dataset dataset, List<String> classNames, Path out, Extra extra) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDir(target)) {
            throw new IOException("output directory " + out + " already exists and is not empty");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        boolean done = false;
        try {
            Files.createDirectories(tmp.resolve("images"));
            int n = dataset.size();
            CocoImage[] imageEntries = new CocoImage[n];
            List<List<CocoAnnotation>> perImage = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                perImage.add(null);
            }
            try {
                IntStream.range(0, n).parallel().forEach(i -> {
                    Sample s = dataset.get(i);
                    CocoImage im = CocoGroundTruth.image(i, s);
                    try {
                        Pngs.write(tmp.resolve(im.fileName()), Images.toImage(s.image()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    imageEntries[i] = im;
                    perImage.set(i, CocoGroundTruth.annotations(i, s));
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            List<Object> images = new ArrayList<>(n);
            for (CocoImage im : imageEntries) {
                images.add(CocoGroundTruth.toJson(im));
            }
            List<Object> anns = new ArrayList<>();
            for (CocoAnnotation a : CocoGroundTruth.numbered(perImage)) {
                anns.add(CocoGroundTruth.toJson(a));
            }
            List<Object> categories = new ArrayList<>();
            for (CocoCategory c : CocoGroundTruth.categories(classNames, "fashion").values()) {
                categories.add(CocoGroundTruth.toJson(c));
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("info", Map.of("description", "rcnn4j Fashion-MNIST scenes"));
            root.put("images", images);
            root.put("annotations", anns);
            root.put("categories", categories);
            byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(tmp.resolve("annotations.json"), o -> o.write(json));
            if (extra != null) {
                extra.write(tmp);
            }
            readableByAll(tmp);
            if (Files.exists(target)) {
                Files.delete(target); // an empty directory, checked above
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("output directory " + out + " appeared while writing", e);
            }
            done = true;
        } finally {
            if (!done) {
                deleteTree(tmp);
            }
        }
    }

    /** Temporary files and directories are private (0600/0700); a dataset is meant to be shared like any output. */
    private static void readableByAll(Path root) throws IOException {
        if (!root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
