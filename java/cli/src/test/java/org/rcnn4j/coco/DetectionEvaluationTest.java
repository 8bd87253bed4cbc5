package org.rcnn4j.coco;

import org.rcnn4j.train.DetectionEvaluation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.cli.CocoScenesExport;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.tensor.Tensor;

class DetectionEvaluationTest {
    @TempDir
    Path dir;

    private static final FashionMnistScenes SCENES = new FashionMnistScenes(
            FashionMnist.bundled(FashionMnist.Split.TEST), SceneConfig.sized(48, 64), 7, 7);

    /** Answers each batch with whatever {@code answer} says for the next images in dataset order. */
    private static Function<List<Tensor>, List<ImageDetections>> inOrder(Dataset data,
            Function<Sample, ImageDetections> answer) {
        int[] next = {0};
        return images -> {
            List<ImageDetections> out = new ArrayList<>();
            for (Tensor image : images) {
                Sample s = data.get(next[0]++);
                assertArrayEquals(s.image().floats(), image.floats(), "the detector sees the images in order");
                out.add(answer.apply(s));
            }
            return out;
        };
    }

    /** The ground truth as detections with score 1 (masks as probabilities 0/1 when asked). */
    private static ImageDetections truth(Sample s, boolean masks) {
        int n = s.count();
        float[] scores = new float[n];
        java.util.Arrays.fill(scores, 1f);
        Tensor m = null;
        if (masks) {
            byte[] b = s.masks().bytes();
            float[] f = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                f[i] = b[i];
            }
            m = Tensor.ofFloats(f, n, 1, s.height(), s.width());
        }
        return new ImageDetections(s.boxes(), Tensor.ofFloats(scores, n), s.labels(), m);
    }

    @Test
    void theGroundTruthScoresOne() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DetectionEvaluation.Result r = DetectionEvaluation.evaluate(inOrder(SCENES, s -> truth(s, true)), SCENES,
                FashionMnist.CLASS_NAMES, 3, new PrintStream(log, true, StandardCharsets.UTF_8));
        // precision is tp / (tp + fp + eps) in pycocotools, so "1" may be a hair below it
        assertEquals(1.0, r.bbox().ap(), 1e-12);
        assertEquals(1.0, r.bbox().ap50(), 1e-12);
        assertEquals(1.0, r.segm().ap(), 1e-12);
        assertEquals(1.0, r.bbox().stats()[8], 1e-12, "AR@100");
        int instances = 0;
        for (int i = 0; i < SCENES.size(); i++) {
            instances += SCENES.get(i).count();
        }
        assertEquals(instances, r.results().size());
        for (int i = 0; i < r.results().size(); i++) {
            assertEquals(i + 1L, r.results().get(i).id());
        }
        assertEquals(7, r.images());
        assertTrue(r.secondsPerImage() >= 0);
        for (double ap : r.bbox().perCategoryAp()) {
            assertTrue(Math.abs(ap - 1) < 1e-12 || ap == -1.0, "per-category AP " + ap);
        }
        assertEquals(FashionMnist.CLASS_NAMES, new ArrayList<>(r.segm().perCategory().keySet()));
        assertTrue(r.text().contains("IoU metric: segm"), r.text());
        assertTrue(r.bbox().text().startsWith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]"
                + " = 1.000"), r.bbox().text());
        String[] lines = log.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[lines.length - 1].startsWith("eval: 7/7 images"), lines[lines.length - 1]);
    }

    @Test
    void theGroundTruthScoresOneThroughACocoFile() throws IOException {
        CocoScenesExport.write(SCENES, FashionMnist.CLASS_NAMES, dir.resolve("c"), null);
        CocoDetectionDataset ds = CocoDetectionDataset.open(dir.resolve("c"));
        DetectionEvaluation.Result r = DetectionEvaluation.evaluate(inOrder(ds, s -> truth(s, false)), ds,
                List.of(), 4, null);
        assertEquals(1.0, r.bbox().ap(), 1e-12);
        assertNull(r.segm(), "no masks, no segm");
    }

    /** One image of 40 x 40, with the given ground-truth boxes (label 1, the mask filling the box). */
    private static Dataset oneImage(float[]... boxes) {
        int h = 40;
        int w = 40;
        float[] image = new float[3 * h * w];
        java.util.Arrays.fill(image, 0.5f);
        long[] labels = new long[boxes.length];
        java.util.Arrays.fill(labels, 1);
        Sample t = new Sample(Tensor.ofFloats(image, 3, h, w), Tensor.ofFloats(flat(boxes), boxes.length, 4),
                Tensor.ofLongs(labels, boxes.length), Tensor.ofBytes(boxMasks(boxes, h, w), boxes.length, h, w));
        return new Dataset() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public Sample get(int i) {
                return t;
            }
        };
    }

    private static float[] flat(float[][] boxes) {
        float[] out = new float[4 * boxes.length];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, out, 4 * i, 4);
        }
        return out;
    }

    private static byte[] boxMasks(float[][] boxes, int h, int w) {
        byte[] m = new byte[boxes.length * h * w];
        for (int i = 0; i < boxes.length; i++) {
            for (int y = (int) boxes[i][1]; y < (int) boxes[i][3]; y++) {
                for (int x = (int) boxes[i][0]; x < (int) boxes[i][2]; x++) {
                    m[i * h * w + y * w + x] = 1;
                }
            }
        }
        return m;
    }

    private static ImageDetections detections(float[] scores, float[]... boxes) {
        long[] labels = new long[boxes.length];
        java.util.Arrays.fill(labels, 1);
        byte[] b = boxMasks(boxes, 40, 40);
        float[] m = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            m[i] = b[i] == 1 ? 0.8f : 0.2f;
        }
        return new ImageDetections(Tensor.ofFloats(flat(boxes), boxes.length, 4),
                Tensor.ofFloats(scores, boxes.length), Tensor.ofLongs(labels, boxes.length),
                Tensor.ofFloats(m, boxes.length, 1, 40, 40));
    }

    @Test
    void aBoxShiftedByAFifthOfItsWidth() {
        // ground truth 10 x 10 at the origin, the detection 2 px to the right: IoU = 80 / 120 = 2/3, a match at
        // the thresholds 0.50, 0.55, 0.60 and 0.65 (precision 1 at every recall) and a miss at the six above
        Dataset data = oneImage(new float[] {0, 0, 10, 10});
        DetectionEvaluation.Result r = DetectionEvaluation.evaluate(
                inOrder(data, s -> detections(new float[] {0.7f}, new float[] {2, 0, 12, 10})), data,
                List.of("thing"), 1, null);
        for (DetectionEvaluation.Summary s : List.of(r.bbox(), r.segm())) {
            assertEquals(4 / 10.0, s.ap(), 1e-12, s.type() + " AP");
            assertEquals(1.0, s.ap50(), 1e-12, s.type() + " AP50");
            assertEquals(0.0, s.stats()[2], s.type() + " AP75");
            assertEquals(4 / 10.0, s.stats()[3], 1e-12, s.type() + " AP small (area 100)");
            assertEquals(-1.0, s.stats()[4], s.type() + " AP medium: no ground truth");
            assertEquals(4 / 10.0, s.stats()[8], 1e-12, s.type() + " AR@100");
            assertArrayEquals(new double[] {4 / 10.0}, s.perCategoryAp(), 1e-12);
        }
    }

    @Test
    void aFalsePositiveAboveAHitAndAMiss() {
        // two ground-truth boxes; by score: a detection on nothing (fp), an exact one (tp), one shifted by half
        // its width (IoU 50 / 150 = 1/3, fp at every threshold). Recall reaches 1/2 with precision 1/2 there,
        // so the 51 recall points 0.00..0.50 score 1/2 and the 50 above 0, at all ten thresholds: 25.5 / 101.
        Dataset data = oneImage(new float[] {0, 0, 10, 10}, new float[] {20, 0, 30, 10});
        DetectionEvaluation.Result r = DetectionEvaluation.evaluate(
                inOrder(data, s -> detections(new float[] {0.95f, 0.9f, 0.8f}, new float[] {0, 20, 10, 30},
                        new float[] {0, 0, 10, 10}, new float[] {25, 0, 35, 10})), data, List.of("thing"), 1, null);
        for (DetectionEvaluation.Summary s : List.of(r.bbox(), r.segm())) {
            assertEquals(25.5 / 101, s.ap(), 1e-12, s.type() + " AP");
            assertEquals(25.5 / 101, s.ap50(), 1e-12, s.type() + " AP50");
            assertEquals(0.5, s.stats()[8], 1e-12, s.type() + " AR@100");
            assertEquals(0.0, s.stats()[6], s.type() + " AR@1: the one top detection is the false positive");
        }
    }

    @Test
    void writesResultsAndSummary() throws IOException {
        Dataset data = oneImage(new float[] {0, 0, 10, 10});
        DetectionEvaluation.Result r = DetectionEvaluation.evaluate(
                inOrder(data, s -> detections(new float[] {0.7f}, new float[] {2, 0, 12, 10})), data,
                List.of("thing"), 1, null);
        r.writeTo(dir.resolve("out"));
        CocoDataset gt = new CocoDataset(java.util.Map.of(1L, new CocoImage(1, 40, 40, null)),
                java.util.Map.of(1L, new CocoCategory(1, "thing", null)), List.of());
        List<CocoAnnotation> back = CocoResults.read(dir.resolve("out/results.json"), gt);
        assertEquals(1, back.size());
        assertArrayEquals(new double[] {2, 0, 10, 10}, back.get(0).bbox());
        assertEquals(r.results().get(0).segmentation().rle(), back.get(0).segmentation().rle());
        String summary = java.nio.file.Files.readString(dir.resolve("out/summary.txt"));
        assertTrue(summary.contains("IoU metric: bbox") && summary.contains("IoU metric: segm"), summary);
        assertTrue(summary.contains("thing                       0.400    0.400"), summary);
    }

    @Test
    void detectorMistakesAreNamed() {
        Dataset data = oneImage(new float[] {0, 0, 10, 10});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DetectionEvaluation.evaluate(
                images -> List.of(), data, List.of("thing"), 1, null));
        assertTrue(e.getMessage().contains("returned 0 results for a batch of 1"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> DetectionEvaluation.evaluate(
                images -> List.of(new ImageDetections(Tensor.ofFloats(new float[0], 0, 4), Tensor.ofFloats(
                        new float[0], 0), Tensor.ofLongs(new long[0], 0), Tensor.ofFloats(new float[0], 0, 1, 20, 40))),
                data, List.of("thing"), 1, null));
        assertTrue(e.getMessage().contains("masks must be [D, 1, 40, 40]"), e.getMessage());
    }

    @Test
    void progressLines() {
        assertEquals("eval: 40/100 images, 0.250 s/image, ETA 0:15", EvalProgress.line(40, 100, 10.0));
        assertEquals("eval: 100/100 images, 0.250 s/image, took 0:25", EvalProgress.line(100, 100, 25.0));
        assertEquals("1:01:05", EvalProgress.clock(3665));
    }
}
