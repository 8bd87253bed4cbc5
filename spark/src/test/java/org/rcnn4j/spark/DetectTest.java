package org.rcnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.spark.SparkFixture.IMAGES;
import static org.rcnn4j.spark.SparkFixture.IMAGE_FILES;
import static org.rcnn4j.spark.SparkFixture.assertDetectedRow;
import static org.rcnn4j.spark.SparkFixture.file;
import static org.rcnn4j.spark.SparkFixture.spark;
import static org.rcnn4j.spark.SparkFixture.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.TestTimeAugmentation;
import org.rcnn4j.detector.Detection;
import org.rcnn4j.detector.Detector;

/**
 * Detection over DataFrames on a local Spark (2 threads): every image's detections are those a Detector gives it
 * alone in one JVM, from binaryFile rows and from a column of paths; the model is loaded once per executor; a bad
 * image is a row with an error (or, asked to, a failed job); a task that dies is retried and the output holds
 * every image once.
 */
class DetectTest {

    private static Dataset<Row> paths(List<Path> files, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            rows.add(RowFactory.create(f.toString()));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("path", DataTypes.StringType, false)));
        return spark().createDataFrame(rows, schema).repartition(partitions);
    }

    @Test
    void binaryFileRowsGetTheDetectionsOfOneJvmAndTheModelLoadsOnce() {
        Dataset<Row> images = Rcnn4jSpark.readImages(spark(), SparkFixture.SCENES.resolve("images").toString())
                .repartition(3);
        // options no other test uses (the model's own box NMS threshold, given rather than left null): this
        // detect's detector is loaded here, once for 3 tasks on 2 threads
        float nms = Models.maskrcnnSmall(ModelOptions.defaults()).config().boxNmsThresh();
        DetectorSpec spec = spec().withBoxInference(0f, nms, SparkFixture.PER_IMAGE).withBatchSize(2);
        int loadsBefore = ExecutorDetectors.loads();
        Dataset<Row> found = Rcnn4jSpark.detect(images, spec);
        assertEquals(List.of("path", "modificationTime", "length", "detections", "error"),
                List.of(found.schema().fieldNames()), "the bytes are dropped, detections and error added");
        List<Row> rows = found.collectAsList();
        assertEquals(1, ExecutorDetectors.loads() - loadsBefore, "one load per executor JVM, whatever the tasks");
        assertEquals(IMAGES, rows.size());
        Set<Path> seen = new HashSet<>();
        for (Row r : rows) {
            assertDetectedRow(r, 0, 3, 4);
            seen.add(file(r.getString(0)));
        }
        assertEquals(new HashSet<>(IMAGE_FILES), seen);
    }

    /** With test-time augmentation each image gets what a Detector with the same augmentation gives it. */
    @Test
    void testTimeAugmentationGivesWhatTheDetectorGives() throws Exception {
        TestTimeAugmentation tta = TestTimeAugmentation.of(true, 1.0, 1.25);
        List<Path> two = IMAGE_FILES.subList(0, 2);
        List<Row> rows = Rcnn4jSpark.detect(paths(two, 2), spec().withTestTimeAugmentation(tta).withBatchSize(1))
                .collectAsList();
        assertEquals(2, rows.size());
        try (Detector detector = Detector.load(SparkFixture.MODEL, SparkFixture.options()
                .withTestTimeAugmentation(tta))) {
            for (Row r : rows) {
                assertNull(r.get(2), r.getString(0));
                List<Detection> want = detector.detect(file(r.getString(0)));
                assertTrue(!want.isEmpty() && !want.equals(SparkFixture.reference(file(r.getString(0)))),
                        "the augmentation changes the detections");
                SparkFixture.assertSameDetections(want, r.getList(1), r.getString(0));
            }
        }
    }

    @Test
    void aColumnOfPathsIsReadByTheExecutors() {
        Dataset<Row> found = Rcnn4jSpark.detect(paths(IMAGE_FILES, 2), spec().withBatchSize(3));
        assertEquals(List.of("path", "detections", "error"), List.of(found.schema().fieldNames()));
        List<Row> rows = found.collectAsList();
        assertEquals(IMAGES, rows.size());
        for (Row r : rows) {
            assertDetectedRow(r, 0, 1, 2);
        }
    }

    @Test
    void aBadImageIsARowWithItsErrorOrFailsTheJobWhenAsked() throws Exception {
        Path dir = Files.createDirectories(SparkFixture.DIR.resolve("mixed"));
        Files.copy(IMAGE_FILES.get(0), dir.resolve("good-0.png"));
        Files.copy(IMAGE_FILES.get(1), dir.resolve("good-1.png"));
        byte[] png = Files.readAllBytes(IMAGE_FILES.get(2));
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.writeString(dir.resolve("text.jpg"), "not an image");
        Dataset<Row> found = Rcnn4jSpark.detect(Rcnn4jSpark.readImages(spark(), dir.toString()), spec());
        List<Row> rows = found.orderBy("path").collectAsList();
        assertEquals(4, rows.size());
        Map<String, Row> byName = new java.util.HashMap<>();
        for (Row r : rows) {
            byName.put(file(r.getString(0)).getFileName().toString(), r);
        }
        for (String bad : List.of("truncated.png", "text.jpg")) {
            Row r = byName.get(bad);
            assertNull(r.get(3), bad + " has no detections");
            String error = r.getString(4);
            assertTrue(error != null && error.startsWith("unreadable image ("), bad + ": " + error);
        }
        for (String good : List.of("good-0.png", "good-1.png")) {
            Row r = byName.get(good);
            assertNull(r.get(4), good);
            SparkFixture.assertSameDetections(SparkFixture.reference(IMAGE_FILES.get(good.equals("good-0.png") ? 0
                    : 1)), r.getList(3), good);
        }
        // binaryFile drops empty files; a column of paths reaches them, and files that are not there
        Path empty = Files.write(SparkFixture.DIR.resolve("empty.png"), new byte[0]);
        List<Row> named = Rcnn4jSpark.detect(paths(List.of(empty, dir.resolve("gone.png")), 1), spec())
                .orderBy("path").collectAsList();
        assertEquals("unreadable image (no bytes)", named.get(0).getString(2));
        assertNull(named.get(0).get(1));
        assertTrue(named.get(1).getString(2).startsWith("cannot read the file (java.io.FileNotFoundException"),
                named.get(1).getString(2));

        Exception failed = assertThrows(Exception.class, () -> Rcnn4jSpark.detect(
                Rcnn4jSpark.readImages(spark(), dir.toString()), spec().withFailFast(true)).collectAsList());
        String message = String.valueOf(failed.getMessage());
        assertTrue(message.contains("unreadable image (") && message.contains(dir.getFileName().toString()),
                message);
    }

    /** Rows seen per task attempt, and the failures injected, in this JVM (local mode runs tasks here). */
    static final Map<Long, AtomicInteger> ROWS_PER_ATTEMPT = new ConcurrentHashMap<>();
    static final AtomicInteger INJECTED = new AtomicInteger();
    static final Set<Integer> RETRIED = ConcurrentHashMap.newKeySet();

    @Test
    void aTaskThatDiesIsRetriedAndTheOutputHoldsEveryImageOnce() throws Exception {
        Dataset<Row> found = Rcnn4jSpark.detect(Rcnn4jSpark.listImages(spark(),
                SparkFixture.SCENES.resolve("images").toString(), 3), spec());
        // partition 1's first attempt dies at its second image, after the first one went to its output file
        Dataset<Row> dying = found.map((MapFunction<Row, Row>) r -> {
            TaskContext t = TaskContext.get();
            int n = ROWS_PER_ATTEMPT.computeIfAbsent(t.taskAttemptId(), k -> new AtomicInteger()).incrementAndGet();
            if (t.partitionId() == 1 && t.attemptNumber() == 0 && n == 2) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure in partition 1");
            }
            if (t.attemptNumber() > 0) {
                RETRIED.add(t.partitionId());
            }
            return r;
        }, Encoders.row(found.schema()));
        Path out = SparkFixture.DIR.resolve("retried.parquet");
        dying.write().parquet(out.toString());
        assertEquals(1, INJECTED.get(), "the failure happened");
        assertEquals(Set.of(1), RETRIED, "partition 1, and only it, ran again");
        List<Row> rows = spark().read().parquet(out.toString()).collectAsList();
        assertEquals(IMAGES, rows.size(), "every image once");
        Set<Path> seen = new HashSet<>();
        for (Row r : rows) {
            assertTrue(seen.add(file(r.getString(0))), "twice: " + r.getString(0));
            assertDetectedRow(r, 0, 1, 2);
        }
        assertEquals(new HashSet<>(IMAGE_FILES), seen);
    }

    @Test
    void badInputNamesWhatIsWrong() {
        Dataset<Row> images = Rcnn4jSpark.readImages(spark(), SparkFixture.SCENES.resolve("images").toString());
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.detect(images.drop("path"), spec()));
        assertTrue(noPath.getMessage().startsWith("images: no column 'path'"), noPath.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Rcnn4jSpark.detect(images.withColumn("content", images.col("length")), spec()));
        assertTrue(type.getMessage().contains("'content' is bigint, expected binary"), type.getMessage());
        RuntimeException weights = assertThrows(RuntimeException.class, () -> Rcnn4jSpark.detect(images,
                DetectorSpec.of(SparkFixture.DIR.resolve("none.safetensors"))));
        assertTrue(weights.getMessage().contains("none.safetensors"), weights.getMessage());
        assertThrows(IllegalArgumentException.class, () -> spec().withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> spec().withDevice(" "));
        assertThrows(IllegalArgumentException.class, () -> spec().withMaskThreshold(2f));
        assertThrows(IllegalArgumentException.class, () -> Rcnn4jSpark.listImages(spark(), "x", 0));
    }
}
