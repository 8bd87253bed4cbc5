package org.rcnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.spark.SparkFixture.DIR;
import static org.rcnn4j.spark.SparkFixture.IMAGE_FILES;
import static org.rcnn4j.spark.SparkFixture.MODEL;
import static org.rcnn4j.spark.SparkFixture.SCENES;
import static org.rcnn4j.spark.SparkFixture.cli;
import static org.rcnn4j.spark.SparkFixture.spark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.train.DetectionEvaluation;
import org.rcnn4j.train.DetectionResults;

/**
 * The spark-submit jobs on a local Spark: DetectJob writes the COCO results {@code rcnn4j detect} writes, byte for
 * byte, and EvalJob prints what {@code rcnn4j eval} prints on the same model and scenes, its numbers equal to the
 * last bit.
 */
class JobsTest {
    static final String[] BOX = {"--box-score-thresh", "0", "--box-detections-per-img", "20"};
    static Path results;
    static String detectOut;

    record Run(int code, String out, String err) {
    }

    static Run job(boolean detect, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = detect ? DetectJob.run(spark(), args, o, e) : EvalJob.run(spark(), args, o, e);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] with(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @BeforeAll
    static void detectTheScenes() {
        results = DIR.resolve("jobs/results.parquet");
        Run r = job(true, with(BOX, "--images", SCENES.resolve("images").toString(), "--weights", MODEL.toString(),
                "--out", results.toString(), "--coco-results", DIR.resolve("jobs/results.json").toString(),
                "--partitions", "3", "--batch", "2"));
        assertEquals(0, r.code(), r.err());
        detectOut = r.out();
    }

    @Test
    void detectJobWritesWhatRcnn4jDetectWrites() throws Exception {
        assertTrue(detectOut.startsWith("detected 8 images (0 with an error) on 3 partitions in "), detectOut);
        List<String> argv = new ArrayList<>(List.of("detect"));
        for (Path f : IMAGE_FILES) {
            argv.add(f.toString());
        }
        argv.addAll(List.of("--weights", MODEL.toString(), "--out", DIR.resolve("jobs/cli-detect").toString()));
        argv.addAll(List.of(BOX));
        cli(argv.toArray(String[]::new));
        String want = Files.readString(DIR.resolve("jobs/cli-detect/detections.json"));
        assertTrue(want.length() > 1000 && want.contains("\"counts\""), "the command found masked detections");
        assertEquals(want, Files.readString(DIR.resolve("jobs/results.json")));
    }

    @Test
    void evalJobPrintsWhatRcnn4jEvalPrints() throws Exception {
        String want = cli(with(new String[] {"eval", "--weights", MODEL.toString(), "--data", SCENES.toString(),
            "--out", DIR.resolve("jobs/cli-eval").toString()}, BOX));
        Run got = job(false, "--results", results.toString(), "--gt", SCENES.resolve("annotations.json").toString());
        assertEquals(0, got.code(), got.err());
        assertEquals(want, got.out());
        assertTrue(want.contains("IoU metric: segm") && want.contains("mask AP="), want);

        // the numbers themselves, not only 3 digits: COCOeval in one JVM on rcnn4j eval's own results
        CocoDataset gt = CocoDataset.read(SCENES.resolve("annotations.json"));
        List<CocoAnnotation> res = CocoResults.read(DIR.resolve("jobs/cli-eval/results.json"), gt);
        SparkEvaluation e = Rcnn4jSpark.evaluate(spark().read().parquet(results.toString()),
                SCENES.resolve("annotations.json"), LabelMatching.IDS);
        assertArrayEquals(DetectionEvaluation.score(gt, DetectionResults.forBbox(res), CocoParams.IouType.BBOX)
                .stats(), e.bbox().stats(), 0.0);
        assertArrayEquals(DetectionEvaluation.score(gt, DetectionResults.forSegm(res), CocoParams.IouType.SEGM)
                .stats(), e.segm().stats(), 0.0);
        assertEquals(List.of(), e.notes());
    }

    @Test
    void usageErrorsAreOneLineAndExitCode2() {
        Run noImages = job(true, "--weights", MODEL.toString(), "--out", DIR.resolve("x.parquet").toString());
        assertEquals(2, noImages.code());
        assertEquals("rcnn4j-spark: error: DetectJob: --images DIR|GLOB is required\n", noImages.err());
        Run noModel = job(true, "--images", SCENES.toString(), "--weights", MODEL.toString(), "--model",
                "fasterrcnn_small", "--out", DIR.resolve("x.parquet").toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().startsWith("rcnn4j-spark: error: model: "), noModel.err());
        Run exists = job(true, with(BOX, "--images", SCENES.resolve("images").toString(), "--weights",
                MODEL.toString(), "--out", results.toString()));
        assertEquals(2, exists.code(), exists.err());
        assertTrue(exists.err().contains("already exists"), exists.err());
        Run unknown = job(false, "--results", results.toString(), "--gt", "nowhere.json");
        assertEquals(2, unknown.code());
        assertEquals("rcnn4j-spark: error: EvalJob: --gt nowhere.json is not a file\n", unknown.err());
        Run labels = job(false, "--results", results.toString(), "--gt",
                SCENES.resolve("annotations.json").toString(), "--labels", "names");
        assertEquals(2, labels.code());
        assertTrue(labels.err().contains("--labels expects one of ids, positions"), labels.err());
        Run badScales = job(true, "--images", SCENES.toString(), "--weights", MODEL.toString(), "--out",
                DIR.resolve("x.parquet").toString(), "--tta-scales", "1,0");
        assertEquals(2, badScales.code());
        assertTrue(badScales.err().startsWith("rcnn4j-spark: error: DetectJob: --tta-scales: expected each in (0, "),
                badScales.err());
        assertEquals(0, job(true, "--help").code());
    }
}
