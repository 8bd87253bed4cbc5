package org.rcnn4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.detector.DetectorWeights;

/**
 * {@code spark-submit --class org.rcnn4j.spark.DetectJob rcnn4j-spark.jar --images DIR|GLOB --weights FILE
 * --out results.parquet}: detects objects in every image and writes one row per image (path, detections, error)
 * as Parquet, optionally also COCO results as JSON.
 */
public final class DetectJob {
    static final String USAGE = """
            usage: spark-submit --class org.rcnn4j.spark.DetectJob rcnn4j-spark-job.jar --images DIR|GLOB
                       --weights FILE [--model NAME] [--classes FILE] --out results.parquet [--overwrite]
                       [--coco-results results.json] [--device auto|cpu|cuda|cuda:N|cuda-emu] [--batch N]
                       [--partitions N] [--fail-fast] [--box-score-thresh T] [--box-nms-thresh T]
                       [--box-detections-per-img N] [--tta] [--tta-scales S,S]

            Detects objects in the images of DIR (PNG, JPEG, BMP, GIF, subdirectories included) or of a glob,
            with a model file rcnn4j trained or a torchvision .pth (--model names it), and writes one row per
            image to results.parquet: path, detections (category_id, label, score, bbox [x, y, w, h], mask as
            COCO RLE) and error (why an image could not be read; the job goes on, unless --fail-fast). The
            weights file is read on the driver and shipped to each executor once. --device auto (default) takes
            the GPU Spark gave each task (spark.task.resource.gpu.amount), else the CPU. --partitions: default
            one per 64 images, at least Spark's default parallelism. --coco-results also writes COCO results
            (image_id: the image's position in path order, as rcnn4j detect numbers its images). --tta runs each
            image and its mirror and fuses their detections (test-time augmentation, as rcnn4j detect --tta);
            --tta-scales 1,1.25 runs both at each of these scales of the model's sizes.
            """;
    private static final Set<String> VALUED = Set.of("--images", "--weights", "--model", "--classes", "--out",
            "--coco-results", "--device", "--batch", "--partitions", "--box-score-thresh", "--box-nms-thresh",
            "--box-detections-per-img", "--tta-scales");
    private static final Set<String> FLAGS = Set.of("--fail-fast", "--overwrite", "--help", "--tta");

    private DetectJob() {
    }

    public static void main(String[] args) {
        Jobs.main("rcnn4j detect", spark -> run(spark, args, System.out, System.err));
    }

    /** The job on a session the caller owns; returns the exit code (0, 1 failed, 2 bad usage). */
    public static int run(SparkSession spark, String[] argv, PrintStream out, PrintStream err) {
        try {
            JobArgs a = JobArgs.parse("DetectJob", argv, VALUED, FLAGS);
            if (a.has("--help")) {
                out.print(USAGE);
                return Jobs.OK;
            }
            return detect(spark, a, out, err);
        } catch (Exception e) { // Spark's AnalysisException is checked, undeclared
            return Jobs.report("DetectJob", e, err);
        }
    }

    private static int detect(SparkSession spark, JobArgs a, PrintStream out, PrintStream err) {
        String images = a.required("--images", "DIR|GLOB");
        Path weights = Path.of(a.required("--weights", "FILE"));
        String out0 = a.required("--out", "results.parquet");
        List<String> classes = classNames(a);
        DetectorSpec spec;
        try {
            spec = DetectorSpec.of(weights).withModel(a.string("--model", null)).withClassNames(classes)
                    .withDevice(a.string("--device", "auto"))
                    .withBoxInference(a.floatIn("--box-score-thresh", 0, 1), a.floatIn("--box-nms-thresh", 0, 1),
                            a.intIn("--box-detections-per-img", 1, 100_000))
                    .withBatchSize(a.intIn("--batch", 1, 1024) == null ? 4 : a.intIn("--batch", 1, 1024))
                    .withFailFast(a.has("--fail-fast"))
                    .withTestTimeAugmentation(a.testTimeAugmentation());
            // read once on the driver: a wrong file, model or class list is one line here, not failed tasks
            DetectorWeights.read(weights, spec.model(), spec.classNames());
        } catch (IOException e) {
            throw a.usage("cannot read weights " + weights + ": " + e.getMessage());
        }
        Dataset<Row> listed = Rcnn4jSpark.readImages(spark, images).select("path");
        long n = listed.count();
        if (n == 0) {
            throw a.usage("no images in " + images + (Rcnn4jSpark.isGlob(images) ? ""
                    : " (files matching " + Rcnn4jSpark.IMAGE_FILES + ")"));
        }
        Integer p = a.intIn("--partitions", 1, 1_000_000);
        int partitions = p != null ? p
                : (int) Math.max(spark.sparkContext().defaultParallelism(), Math.min(1_000_000, (n + 63) / 64));
        long t0 = System.nanoTime();
        Rcnn4jSpark.detect(listed.repartition(partitions), spec).write()
                .mode(a.has("--overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(out0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // what the job wrote, read back: never a second detection
        Dataset<Row> written = spark.read().parquet(out0);
        long rows = written.count();
        List<Row> failed = written.where(functions.col(DetectionRows.ERROR).isNotNull())
                .select("path", DetectionRows.ERROR).orderBy("path").collectAsList();
        for (Row r : failed.subList(0, Math.min(10, failed.size()))) {
            err.println("DetectJob: " + r.getString(0) + ": " + r.getString(1));
        }
        out.printf(Locale.ROOT, "detected %d images (%d with an error) on %d partitions in %.1f s: %.2f images/s%n",
                rows, failed.size(), partitions, seconds, rows / seconds);
        out.println("wrote " + out0);
        Path coco = a.path("--coco-results");
        if (coco != null) {
            try {
                CocoResults.write(coco, Rcnn4jSpark.cocoResults(written));
            } catch (IOException e) {
                throw a.usage("cannot write " + coco + ": " + e.getMessage());
            }
            out.println("wrote " + coco);
        }
        return Jobs.OK;
    }

    private static List<String> classNames(JobArgs a) {
        Path f = a.path("--classes");
        if (f == null) {
            return null;
        }
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw a.usage("cannot read --classes " + f + ": " + e.getMessage());
        }
    }
}
