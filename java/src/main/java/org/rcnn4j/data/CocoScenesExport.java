package org.rcnn4j.data;

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
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.io.Json;
import org.rcnn4j.viz.Images;
import org.rcnn4j.viz.Pngs;

/**
 * Writes a dataset in COCO "instances" form: DIR/images/NNNNNN.png and DIR/annotations.json (images,
 * annotations with bbox [x, y, w, h], area = mask pixel count, iscrowd 0, segmentation as uncompressed RLE,
 * categories). The whole directory is built under a temporary name beside DIR and renamed at the end, so DIR
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
            Path images = Files.createDirectories(tmp.resolve("images"));
            List<Object> imageEntries = new ArrayList<>();
            List<List<Object>> perImage = new ArrayList<>();
            for (int i = 0; i < dataset.size(); i++) {
                imageEntries.add(null);
                perImage.add(null);
            }
            try {
                IntStream.range(0, dataset.size()).parallel().forEach(i -> {
                    Sample s = dataset.get(i);
                    String file = String.format("%06d.png", i);
                    try {
                        Pngs.write(images.resolve(file), Images.toImage(s.image()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    imageEntries.set(i, image(i, file, s));
                    perImage.set(i, annotations(i, s));
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            List<Object> anns = new ArrayList<>();
            long id = 1;
            for (List<Object> list : perImage) {
                for (Object a : list) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) a;
                    m.put("id", id++);
                    anns.add(m);
                }
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("info", Map.of("description", "rcnn4j Fashion-MNIST scenes"));
            root.put("images", imageEntries);
            root.put("annotations", anns);
            root.put("categories", categories(classNames));
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

    private static Map<String, Object> image(int i, String file, Sample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", (long) i + 1);
        m.put("file_name", "images/" + file);
        m.put("height", (long) s.height());
        m.put("width", (long) s.width());
        return m;
    }

    private static List<Object> annotations(int i, Sample s) {
        List<Object> out = new ArrayList<>();
        int h = s.height();
        int w = s.width();
        float[] b = s.boxes().floats();
        long[] labels = s.labels().longs();
        byte[] masks = s.masks().bytes();
        for (int k = 0; k < s.count(); k++) {
            long area = 0;
            for (int p = k * h * w; p < (k + 1) * h * w; p++) {
                area += masks[p] != 0 ? 1 : 0;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", 0L); // numbered in image order once all images are done
            m.put("image_id", (long) i + 1);
            m.put("category_id", labels[k]);
            m.put("bbox", List.of((double) b[4 * k], (double) b[4 * k + 1], (double) (b[4 * k + 2] - b[4 * k]),
                    (double) (b[4 * k + 3] - b[4 * k + 1])));
            m.put("area", area);
            m.put("iscrowd", 0L);
            Map<String, Object> rle = new LinkedHashMap<>();
            rle.put("size", List.of((long) h, (long) w));
            rle.put("counts", MaskRle.encode(masks, k, h, w));
            m.put("segmentation", rle);
            out.add(m);
        }
        return out;
    }

    private static List<Object> categories(List<String> names) {
        List<Object> out = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) c + 1);
            m.put("name", names.get(c));
            m.put("supercategory", "fashion");
            out.add(m);
        }
        return out;
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
