package org.rcnn4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.rcnn4j.detector.Detector;

/**
 * The numbers in benchmarks/README.md: images per second of the small Mask R-CNN on N scenes, one JVM calling
 * Detector.detect image by image (files read included; before and after, to show the machine's drift), then Rcnn4jSpark.detect on local[1] and local[2] (paths
 * listed, read and detected by the tasks, output to Spark's noop sink). Each Spark run is timed warm: a first
 * pass loads the detector into the executor, the second is timed. Run it with the test classpath:
 * {@code java <the surefire argLine> -cp ... org.rcnn4j.spark.SparkThroughput [N]}.
 */
public final class SparkThroughput {
    private SparkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        Path scenes = SparkFixture.DIR.resolve("bench");
        SparkFixture.cli("scenes", "--count", String.valueOf(n), "--out", scenes.toString(), "--seed", "9",
                "--split", "test");
        Path images = scenes.resolve("images");
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.sorted().toList();
        }
        single(files, "single JVM, Detector.detect");
        for (String master : new String[] {"local[1]", "local[2]"}) {
            SparkSession spark = SparkSession.builder().master(master).appName("throughput")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.plugins", Rcnn4jSparkPlugin.NAME).getOrCreate();
            try {
                int partitions = 2 * spark.sparkContext().defaultParallelism();
                for (int pass = 0; pass < 2; pass++) {
                    long t0 = System.nanoTime();
                    Rcnn4jSpark.detect(Rcnn4jSpark.listImages(spark, images.toString(), partitions),
                            SparkFixture.spec()).write().format("noop").mode("overwrite").save();
                    if (pass == 1) {
                        report(master + ", " + partitions + " partitions", n, t0);
                    }
                }
            } finally {
                spark.stop();
            }
        }
        single(files, "single JVM again (load drift)");
    }

    /** Detector.detect image by image (each file read and decoded), timed on a second pass like the Spark runs. */
    private static void single(List<Path> files, String what) throws Exception {
        try (Detector d = Detector.load(SparkFixture.MODEL, SparkFixture.options())) {
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                for (Path f : files) {
                    d.detect(f);
                }
                if (pass == 1) {
                    report(what, files.size(), t0);
                }
            }
        }
    }

    private static void report(String what, int n, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-36s %d images in %6.2f s: %6.2f images/s%n", what, n, s, n / s);
    }
}
