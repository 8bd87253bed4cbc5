package org.rcnn4j.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.rcnn4j.train.DetectionEvaluation;

/**
 * {@code spark-submit --class org.rcnn4j.spark.EvalJob rcnn4j-spark.jar --results results.parquet --gt FILE.json}:
 * COCO AP of DetectJob's results against a COCO ground truth, spread by image over the executors and combined on
 * the driver; prints the 12 numbers per iou type as {@code rcnn4j eval} does.
 */
public final class EvalJob {
    static final String USAGE = """
            usage: spark-submit --class org.rcnn4j.spark.EvalJob rcnn4j-spark-job.jar --results results.parquet
                       --gt instances.json [--labels ids|positions] [--per-class]

            Scores a results table (DetectJob's --out) against a COCO ground-truth file and prints COCOeval's
            12-line summary for boxes, and for masks when the detections have them, then the AP lines of
            rcnn4j eval. Each row's image is the one whose file_name ends the row's path. --labels ids (default):
            a detection's category_id is the category id (torchvision's COCO models; rcnn4j's scenes);
            positions: label k is the k-th smallest category id (a model rcnn4j trained on that dataset). Images
            of the ground truth without a row count with no detections.
            """;
    private static final Set<String> VALUED = Set.of("--results", "--gt", "--labels");
    private static final Set<String> FLAGS = Set.of("--per-class", "--help");

    private EvalJob() {
    }

    public static void main(String[] args) {
        Jobs.main("rcnn4j eval", spark -> run(spark, args, System.out, System.err));
    }

    /** The job on a session the caller owns; returns the exit code (0, 1 failed, 2 bad usage). */
    public static int run(SparkSession spark, String[] argv, PrintStream out, PrintStream err) {
        try {
            JobArgs a = JobArgs.parse("EvalJob", argv, VALUED, FLAGS);
            if (a.has("--help")) {
                out.print(USAGE);
                return Jobs.OK;
            }
            String results = a.required("--results", "results.parquet");
            Path gt = Path.of(a.required("--gt", "FILE.json"));
            if (!Files.isRegularFile(gt)) {
                throw a.usage("--gt " + gt + " is not a file");
            }
            LabelMatching labels = LabelMatching.valueOf(
                    a.oneOf("--labels", List.of("ids", "positions"), "ids").toUpperCase(Locale.ROOT));
            SparkEvaluation r;
            try {
                r = Rcnn4jSpark.evaluate(spark.read().parquet(results), gt, labels);
            } catch (IOException e) {
                throw a.usage("cannot read " + gt + ": " + e.getMessage());
            }
            for (String note : r.notes()) {
                err.println("EvalJob: note: " + note);
            }
            out.print(r.text());
            if (a.has("--per-class")) {
                out.print(r.perCategoryText());
            }
            out.println(metricLine("box", r.bbox()));
            if (r.segm() != null) {
                out.println(metricLine("mask", r.segm()));
            }
            return Jobs.OK;
        } catch (Exception e) { // Spark's AnalysisException is checked, undeclared
            return Jobs.report("EvalJob", e, err);
        }
    }

    /** rcnn4j eval's last lines. */
    static String metricLine(String what, DetectionEvaluation.Summary s) {
        double[] st = s.stats();
        return String.format(Locale.ROOT, "%s AP=%.3f AP50=%.3f AP75=%.3f", what, st[0], st[1], st[2]);
    }
}
