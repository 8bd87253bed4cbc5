package org.rcnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rcnn4j.cli.Main;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detector.Detection;
import org.rcnn4j.detector.Detector;
import org.rcnn4j.detector.DetectorOptions;

/**
 * What the Spark tests share: the small Mask R-CNN (random weights from a seed, score threshold 0 so that it keeps
 * detections) as a model file, 8 Fashion-MNIST scenes written by {@code rcnn4j scenes} as a COCO dataset, the
 * detections each image gets from a {@link Detector} in this JVM (the reference), and one local SparkSession
 * (2 threads, a failed task retried once) with rcnn4j's plugin.
 */
final class SparkFixture {
    static final int IMAGES = 8;
    static final int PER_IMAGE = 20;
    static final Path DIR;
    static final Path MODEL;
    static final Path SCENES;
    static final List<Path> IMAGE_FILES;
    private static final Map<Path, List<Detection>> REFERENCE = new HashMap<>();
    private static SparkSession spark;
    private static Detector referenceDetector;

    static {
        try {
            DIR = Files.createTempDirectory("rcnn4j-spark-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(DIR)));
            GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
            m.initialize(11);
            MODEL = DIR.resolve("model.safetensors");
            ModelFile.write(MODEL, Models.MASKRCNN_SMALL, m, FashionMnist.CLASS_NAMES);
            SCENES = DIR.resolve("val");
            cli("scenes", "--count", String.valueOf(IMAGES), "--out", SCENES.toString(), "--seed", "5", "--split",
                    "test");
            try (Stream<Path> s = Files.list(SCENES.resolve("images"))) {
                IMAGE_FILES = s.sorted().toList();
            }
            assertEquals(IMAGES, IMAGE_FILES.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SparkFixture() {
    }

    /** The detector's options in the tests, for the Detector in this JVM. */
    static DetectorOptions options() {
        return DetectorOptions.defaults().withBoxInference(0f, null, PER_IMAGE)
                .withMaskThreshold(DetectorSpec.ABOVE_HALF);
    }

    static DetectorSpec spec() {
        return DetectorSpec.of(MODEL).withBoxInference(0f, null, PER_IMAGE);
    }

    static synchronized SparkSession spark() {
        if (spark == null || spark.sparkContext().isStopped()) {
            spark = SparkSession.builder().master("local[2,2]").appName("rcnn4j-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.plugins", Rcnn4jSparkPlugin.NAME)
                    .getOrCreate();
        }
        return spark;
    }

    static synchronized void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    /** What {@code rcnn4j ARGS} prints; fails the test unless it exits with 0. */
    static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, "rcnn4j " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The detections a Detector in this JVM finds in an image file, alone. */
    static synchronized List<Detection> reference(Path image) {
        return REFERENCE.computeIfAbsent(image.toAbsolutePath(), p -> {
            try {
                if (referenceDetector == null) {
                    referenceDetector = Detector.load(MODEL, options());
                }
                return referenceDetector.detect(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The local file a row's path (a URI as binaryFile lists it, or a plain path) names. */
    static Path file(String path) {
        return path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
    }

    /** A detections column value equals the reference's detections, bit for bit. */
    static void assertSameDetections(List<Detection> want, List<Row> got, String where) {
        assertNotNull(got, where + ": no detections");
        assertEquals(want.size(), got.size(), where + ": detection count");
        for (int k = 0; k < want.size(); k++) {
            Detection d = want.get(k);
            Row r = got.get(k);
            String at = where + " detection " + k;
            assertEquals(d.classId(), r.getInt(0), at);
            assertEquals(d.label(), r.getString(1), at);
            assertEquals(d.score(), r.getFloat(2), 0f, at);
            double x1 = d.x1();
            double y1 = d.y1();
            List<Double> b = r.getList(3);
            assertArrayEquals(new double[] {x1, y1, d.x2() - x1, d.y2() - y1},
                    b.stream().mapToDouble(Double::doubleValue).toArray(), 0.0, at);
            Row mask = r.getStruct(4);
            Rle rle = d.mask().toRle();
            assertEquals(List.of(rle.height(), rle.width()), mask.getList(0), at);
            assertEquals(rle.toCocoString(), mask.getString(1), at);
        }
    }

    /** A detected row: no error, and the reference's detections. */
    static void assertDetectedRow(Row row, int pathIndex, int detectionsIndex, int errorIndex) {
        String path = row.getString(pathIndex);
        assertNull(row.get(errorIndex), path);
        List<Detection> want = reference(file(path));
        assertFalse(want.isEmpty(), "the reference keeps detections at threshold 0: " + path);
        assertSameDetections(want, row.getList(detectionsIndex), path);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: what is left the system cleans
        }
    }
}
