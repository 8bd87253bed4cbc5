package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.tensor.Tensor;

class DetectionResultsTest {
    @TempDir
    Path dir;

    private static final LabelMap LABELS = new LabelMap(new long[] {3, 7, 20}, List.of("a", "b", "c"));

    /** Two detections on a 3 x 4 image; the first mask has one pixel at exactly 0.5 (outside). */
    private static ImageDetections twoWithMasks() {
        float[] masks = new float[2 * 12];
        masks[0 * 4 + 1] = 0.9f;  // det 0: (y 0, x 1)
        masks[1 * 4 + 1] = 0.51f; // det 0: (y 1, x 1)
        masks[2 * 4 + 3] = 0.5f;  // det 0: not > 0.5
        masks[12 + 2 * 4 + 0] = 1f; // det 1: (y 2, x 0)
        return new ImageDetections(Tensor.ofFloats(new float[] {1, 0, 2, 2, 0, 1.5f, 3.5f, 3}, 2, 4),
                Tensor.ofFloats(new float[] {0.9f, 0.25f}, 2), Tensor.ofLongs(new long[] {1, 3}, 2),
                Tensor.ofFloats(masks, 2, 1, 3, 4));
    }

    @Test
    void convertsBoxesLabelsScoresAndMasks() {
        List<CocoAnnotation> r = DetectionResults.of(42, twoWithMasks(), LABELS, 10);
        assertEquals(2, r.size());
        CocoAnnotation a = r.get(0);
        assertEquals(10, a.id());
        assertEquals(42, a.imageId());
        assertEquals(3, a.categoryId());
        assertArrayEquals(new double[] {1, 0, 1, 2}, a.bbox());
        assertEquals(2, a.area());
        assertEquals(0.9f, (float) a.score());
        // column-major 3 x 4: x = 1 holds y 0 and y 1 -> runs 3 (x = 0), 2, then 7
        assertArrayEquals(new int[] {3, 2, 7}, a.segmentation().rle().counts());
        CocoAnnotation b = r.get(1);
        assertEquals(11, b.id());
        assertEquals(20, b.categoryId());
        assertArrayEquals(new double[] {0, 1.5, 3.5, 1.5}, b.bbox());
        assertEquals(3.5 * 1.5, b.area());
        assertArrayEquals(new int[] {2, 1, 9}, b.segmentation().rle().counts());

        List<CocoAnnotation> segm = DetectionResults.forSegm(r);
        assertEquals(2, segm.get(0).area(), "segm area is the mask's");
        assertEquals(1, segm.get(1).area());
        assertArrayEquals(new double[] {1, 0, 1, 2}, segm.get(0).bbox(), "segm bbox is the mask's bounds");
        assertArrayEquals(new double[] {0, 2, 1, 1}, segm.get(1).bbox());
        List<CocoAnnotation> bbox = DetectionResults.forBbox(r);
        assertNull(bbox.get(0).segmentation());
        assertEquals(3.5 * 1.5, bbox.get(1).area());
    }

    /** Binary masks (U8, what detect makes when asked for MaskOutput.above(0.5)) give the probabilities' RLEs. */
    @Test
    void binaryMasksGiveTheSameSegmentations() {
        ImageDetections p = twoWithMasks();
        float[] f = p.masks().floats();
        byte[] b = new byte[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = f[i] > 0.5f ? (byte) 1 : 0;
        }
        ImageDetections u = new ImageDetections(p.boxes(), p.scores(), p.labels(), Tensor.ofBytes(b, 2, 1, 3, 4));
        List<CocoAnnotation> want = DetectionResults.of(42, p, LABELS, 10);
        List<CocoAnnotation> got = DetectionResults.of(42, u, LABELS, 10);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(want.get(i).segmentation().rle().counts(), got.get(i).segmentation().rle().counts());
        }
        assertArrayEquals(new int[] {3, 2, 7}, got.get(0).segmentation().rle().counts());
    }

    /**
     * Masks kept at windows (binary or probabilities, windows at the corner, on borders, empty) give the RLEs of the
     * full-size masks.
     */
    @Test
    void cropsGiveTheSameSegmentations() {
        ImageDetections p = twoWithMasks();
        float[] f = p.masks().floats();
        int[][] windows = {{1, 0, 4, 3}, {0, 2, 1, 3}};
        for (boolean binary : new boolean[] {true, false}) {
            List<MaskCrop> crops = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int[] win = windows[i];
                int cols = win[2] - win[0];
                int rows = win[3] - win[1];
                float[] v = new float[rows * cols];
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        v[y * cols + x] = f[i * 12 + (win[1] + y) * 4 + win[0] + x];
                    }
                }
                byte[] b = new byte[v.length];
                for (int j = 0; j < v.length; j++) {
                    b[j] = v[j] > 0.5f ? (byte) 1 : 0;
                }
                crops.add(new MaskCrop(3, 4, win[0], win[1], win[2], win[3],
                        binary ? Tensor.ofBytes(b, rows, cols) : Tensor.ofFloats(v, rows, cols)));
            }
            ImageDetections c = new ImageDetections(p.boxes(), p.scores(), p.labels(), null, crops);
            List<CocoAnnotation> want = DetectionResults.of(42, p, LABELS, 10);
            List<CocoAnnotation> got = DetectionResults.of(42, c, LABELS, 10);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(want.get(i).segmentation().rle().counts(), got.get(i).segmentation().rle().counts(),
                        "binary " + binary + " detection " + i);
            }
        }
        ImageDetections empty = new ImageDetections(p.boxes(), p.scores(), p.labels(), null, List.of(
                new MaskCrop(3, 4, 0, 0, 0, 0, Tensor.ofBytes(new byte[0], 0, 0)),
                new MaskCrop(3, 4, 0, 0, 4, 3, Tensor.ofBytes(new byte[12], 3, 4))));
        for (CocoAnnotation a : DetectionResults.of(42, empty, LABELS, 10)) {
            assertArrayEquals(new int[] {12}, a.segmentation().rle().counts());
        }
        ImageDetections tooFew = new ImageDetections(p.boxes(), p.scores(), p.labels(), null, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionResults.of(42, tooFew, LABELS, 10));
        assertTrue(e.getMessage().contains("crops"), e.getMessage());
    }

    @Test
    void writesAResultsFileThatReadsBack() throws IOException {
        List<CocoAnnotation> r = DetectionResults.of(42, twoWithMasks(), LABELS, 1);
        Path f = dir.resolve("results.json");
        DetectionResults.write(f, r);
        CocoDataset gt = new CocoDataset(Map.of(42L, new CocoImage(42, 4, 3, "x.png")),
                Map.of(3L, new CocoCategory(3, "a", null), 7L, new CocoCategory(7, "b", null),
                        20L, new CocoCategory(20, "c", null)), List.of());
        List<CocoAnnotation> back = CocoResults.read(f, gt);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(r.get(i).imageId(), back.get(i).imageId());
            assertEquals(r.get(i).categoryId(), back.get(i).categoryId());
            assertArrayEquals(r.get(i).bbox(), back.get(i).bbox());
            assertEquals(r.get(i).score(), back.get(i).score());
            assertEquals(r.get(i).segmentation().rle(), back.get(i).segmentation().rle());
        }
    }

    @Test
    void boxOnlyDetectionsHaveNoSegmentation() {
        ImageDetections d = new ImageDetections(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4),
                Tensor.ofFloats(new float[] {0.5f}, 1), Tensor.ofLongs(new long[] {2}, 1), null);
        CocoAnnotation a = DetectionResults.of(1, d, LABELS, 1).get(0);
        assertEquals(7, a.categoryId());
        assertNull(a.segmentation());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionResults.forSegm(List.of(a)));
        assertTrue(e.getMessage().contains("no mask"), e.getMessage());
        assertEquals(0, DetectionResults.of(1, new ImageDetections(Tensor.ofFloats(new float[0], 0, 4),
                Tensor.ofFloats(new float[0], 0), Tensor.ofLongs(new long[0], 0), null), LABELS, 1).size());
    }

    @Test
    void badDetectionsAreRefused() {
        ImageDetections badLabel = new ImageDetections(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4),
                Tensor.ofFloats(new float[] {0.5f}, 1), Tensor.ofLongs(new long[] {4}, 1), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DetectionResults.of(1, badLabel, LABELS, 1));
        assertTrue(e.getMessage().contains("label must be in 1..3"), e.getMessage());
        ImageDetections badScores = new ImageDetections(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4),
                Tensor.ofFloats(new float[] {0.5f, 0.1f}, 2), Tensor.ofLongs(new long[] {1}, 1), null);
        e = assertThrows(IllegalArgumentException.class, () -> DetectionResults.of(1, badScores, LABELS, 1));
        assertTrue(e.getMessage().startsWith("scores must be F32 [1]"), e.getMessage());
        ImageDetections badMasks = new ImageDetections(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4),
                Tensor.ofFloats(new float[] {0.5f}, 1), Tensor.ofLongs(new long[] {1}, 1),
                Tensor.ofFloats(new float[4], 1, 2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> DetectionResults.of(1, badMasks, LABELS, 1));
        assertTrue(e.getMessage().startsWith("masks must be F32 or U8 [1, 1, H, W]"), e.getMessage());
    }

    @Test
    void labelMapBothWays() {
        assertEquals(3, LABELS.size());
        assertEquals(7, LABELS.categoryId(2));
        assertEquals(3, LABELS.label(20));
        assertEquals(-1, LABELS.label(5));
        assertThrows(IllegalArgumentException.class, () -> LABELS.categoryId(0));
        assertThrows(IllegalArgumentException.class, () -> new LabelMap(new long[] {3, 3}, List.of("a", "b")));
        LabelMap id = LabelMap.identity(List.of("x", "y"));
        assertArrayEquals(new long[] {1, 2}, id.categoryIds());
    }
}
