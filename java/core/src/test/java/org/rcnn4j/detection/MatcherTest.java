package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** Matcher and LevelMapper against torchvision 0.14 (fixture detection_match, gen_detection_parts.py). */
class MatcherTest {
    private static final Map<String, Tensor> F = Fixtures.load("detection_match");
    private final Backend cpu = new CpuBackend();

    @Test
    void matchesAsTorchvision() {
        Matcher[] ms = {Matcher.rpn(), Matcher.roiHeads(), new Matcher(0.6f, 0.2f, false)};
        String[] names = {"rpn", "roi", "mid"};
        for (int i = 0; i < ms.length; i++) {
            TensorAssert.assertExact(names[i], F.get(names[i] + ".matches"), ms[i].match(cpu, F.get("iou")));
            TensorAssert.assertExact(names[i] + " far", F.get(names[i] + ".matches_far"),
                    ms[i].match(cpu, F.get("iou_far")));
            TensorAssert.assertExact(names[i] + " ties", F.get(names[i] + ".matches_ties"),
                    ms[i].match(cpu, F.get("iou_ties")));
        }
    }

    @Test
    void lowQualityMatchesRestoreOnlyBestPredictions() {
        // gt 0 best at prediction 1 (0.4), gt 1 best at prediction 2 (0.5); prediction 0 between thresholds
        float[] iou = {0.35f, 0.4f, 0.1f, 0.2f, 0.0f, 0.5f};
        assertArrayEquals(new long[] {-2, 0, 1}, Matcher.rpn().match(iou, 2, 3));
        assertArrayEquals(new long[] {-1, -1, 1}, Matcher.roiHeads().match(iou, 2, 3), "0.5 is not below 0.5");
    }

    @Test
    void tiesGoToTheFirstGroundTruth() {
        float[] iou = {0.8f, 0.8f};
        assertArrayEquals(new long[] {0}, Matcher.roiHeads().match(iou, 2, 1));
    }

    @Test
    void emptyMatrixThrowsAsTorchvision() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Matcher.rpn().match(new float[0], 0, 5));
        assertTrue(e.getMessage().contains("No ground-truth boxes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Matcher.rpn().match(new float[0], 3, 0));
        assertTrue(e.getMessage().contains("No proposal boxes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Matcher(0.3f, 0.7f, false));
    }

    @Test
    void levelMapperAsTorchvision() {
        int[] levels = new LevelMapper(2, 5).levels(cpu, F.get("lm.boxes"));
        Tensor expected = F.get("lm.levels");
        assertEquals(expected.numel(), levels.length);
        for (int i = 0; i < levels.length; i++) {
            assertEquals(expected.getLong(i), levels[i], "box " + i);
        }
    }

    @Test
    void levelMapperEdgeCases() {
        LevelMapper m = new LevelMapper(2, 5);
        assertEquals(0, m.level(5, 5, 5, 9), "zero area: log2(0) = -inf, clamped to k_min");
        assertEquals(LevelMapper.NO_LEVEL, m.level(0, 0, -4, 8), "negative area: NaN level");
        assertEquals(2, m.level(0, 0, 224, 224), "sqrt(area) 224 is the canonical level 4");
    }
}
