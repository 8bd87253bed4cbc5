package org.rcnn4j.recipes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.backbone.SmallBackbone;

class BackbonePretrainingTest {
    @Test
    void flipMirrorsOnlyTheChosenImage() {
        int size = 3;
        int plane = 3 * size * size;
        float[] images = new float[2 * plane];
        for (int i = 0; i < images.length; i++) {
            images[i] = i;
        }
        float[] before = images.clone();
        BackbonePretraining.flipHorizontally(images, 1, size);
        assertArrayEquals(Arrays.copyOf(before, plane), Arrays.copyOf(images, plane), "image 0 untouched");
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int at = plane + (c * size + y) * size;
                    assertEquals(before[at + size - 1 - x], images[at + x], "c" + c + " y" + y + " x" + x);
                }
            }
        }
        BackbonePretraining.flipHorizontally(images, 1, size);
        assertArrayEquals(before, images, "flipping twice restores the image");
    }

    @Test
    void jitteredCopiesStayInTheImageAndNearTheirBox() {
        int size = 32;
        float[] boxes = {3, 4, 20, 30, 0, 0, 32, 32, 10, 12, 14, 15};
        float[] out = BackbonePretraining.withJitteredCopies(boxes, 3, size, new SplittableRandom(9));
        assertEquals(24, out.length);
        boolean moved = false;
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4), Arrays.copyOfRange(out, 8 * i, 8 * i + 4),
                    "box " + i + " comes first, unchanged");
            float[] j = Arrays.copyOfRange(out, 8 * i + 4, 8 * i + 8);
            assertTrue(j[0] >= 0 && j[1] >= 0 && j[2] <= size && j[3] <= size && j[0] < j[2] && j[1] < j[3],
                    "copy " + i + " inside the image: " + Arrays.toString(j));
            // centre within 15% and sides within 0.8..1.2 of the box keep IoU above 0.45
            assertTrue(iou(boxes, 4 * i, j) > 0.45, "copy " + i + " overlaps its box: " + Arrays.toString(j));
            moved |= !Arrays.equals(j, Arrays.copyOfRange(boxes, 4 * i, 4 * i + 4));
        }
        assertTrue(moved, "the copies are jittered");
    }

    private static double iou(float[] a, int o, float[] b) {
        double w = Math.min(a[o + 2], b[2]) - Math.max(a[o], b[0]);
        double h = Math.min(a[o + 3], b[3]) - Math.max(a[o + 1], b[1]);
        double inter = Math.max(0, w) * Math.max(0, h);
        double union = (a[o + 2] - a[o]) * (a[o + 3] - a[o + 1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return inter / union;
    }

    @Test
    void trainsTheStagesInPlaceAndReportsHeldOutAccuracy() throws Exception {
        try (Backend backend = Backends.create("cpu")) {
            SmallBackbone backbone = new SmallBackbone(16);
            backbone.initialize(3);
            backbone.to(backend);
            float[] before = backend.toHost(backbone.body().trainableVars().values().iterator().next().value())
                    .floats();
            BackbonePretraining.Result r = BackbonePretraining.run(backbone, backend, 6, 4, 16, 0.05, 3,
                    new PrintStream(OutputStream.nullOutputStream()));
            float[] after = backend.toHost(backbone.body().trainableVars().values().iterator().next().value())
                    .floats();
            assertFalse(Arrays.equals(before, after), "the first conv's weights changed");
            assertEquals(6, r.steps());
            assertTrue(Double.isNaN(r.boxHeadAccuracy()), "no box head, no box head accuracy");
            assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1, "accuracy " + r.accuracy());
            backbone.release();
        }
    }

    @Test
    void withTheBoxHeadAlsoTrainsFpnAndBoxClassifierButNothingElse() throws Exception {
        try (Backend backend = Backends.create("cpu")) {
            GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
            model.initialize(4).to(backend);
            Map<String, float[]> before = hostCopy(backend, model);
            BackbonePretraining.Result r = BackbonePretraining.run((SmallBackbone) model.backbone(),
                    model.roiHeads(), backend, 4, 4, 16, 0.05, 4, new PrintStream(OutputStream.nullOutputStream()));
            Map<String, float[]> after = hostCopy(backend, model);
            for (String key : before.keySet()) {
                boolean trained = key.startsWith("backbone.") || key.startsWith("roi_heads.box_head.")
                        || key.startsWith("roi_heads.box_predictor.cls_score.");
                boolean bn = key.contains("running_") || key.endsWith("num_batches_tracked");
                if (key.startsWith("backbone.fpn.layer_blocks.") && !key.startsWith("backbone.fpn.layer_blocks.0.")) {
                    continue; // items this small pool from map "0" only: the other output convs get no gradient
                }
                if (!bn) {
                    assertEquals(trained, !Arrays.equals(before.get(key), after.get(key)), key);
                }
            }
            assertTrue(r.boxHeadAccuracy() >= 0 && r.boxHeadAccuracy() <= 1,
                    "box head accuracy " + r.boxHeadAccuracy());
            model.release();
        }
    }

    private static Map<String, float[]> hostCopy(Backend backend, GeneralizedRcnn model) {
        Map<String, float[]> out = new TreeMap<>();
        model.trainableVars().forEach((k, v) -> out.put(k, backend.toHost(v.value()).floats()));
        return out;
    }

    @Test
    void rejectsTinyScenes() throws Exception {
        try (Backend backend = Backends.create("cpu")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackbonePretraining.run(
                    new SmallBackbone(16), backend, 1, 1, 8, 0.05, 0, System.err));
            assertTrue(e.getMessage().contains("size"), e.getMessage());
        }
    }
}
