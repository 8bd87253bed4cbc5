package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.detection.WeightedBoxFusion.Candidate;
import org.rcnn4j.detection.WeightedBoxFusion.Fused;
import org.rcnn4j.tensor.Tensor;

/** Weighted boxes fusion on hand-made detections, each expected value worked out from the paper's definitions. */
class WeightedBoxFusionTest {
    private static Candidate box(float x1, float y1, float x2, float y2, float score, long label) {
        return new Candidate(new float[] {x1, y1, x2, y2}, score, label, null);
    }

    @Test
    void overlappingBoxesOfOneLabelBecomeTheirScoreWeightedMean() {
        List<Fused> f = WeightedBoxFusion.fuse(List.of(box(10, 10, 50, 50, 0.8f, 3), box(12, 10, 52, 54, 0.4f, 3)),
                2, 0.6f);
        assertEquals(1, f.size());
        // (0.8 * 10 + 0.4 * 12) / 1.2 = 10.667; (0.8 * 50 + 0.4 * 52) / 1.2 = 50.667; y2: (40 + 21.6) / 1.2 = 51.333
        assertArrayEquals(new float[] {32f / 3, 10, 152f / 3, 154f / 3}, f.get(0).box(), 1e-5f);
        assertEquals(0.6f, f.get(0).score(), 1e-7f); // (0.8 + 0.4) / 2 views
        assertEquals(3, f.get(0).label());
        assertEquals(2, f.get(0).members().size());
    }

    @Test
    void otherLabelsAndSmallOverlapsStayApart() {
        // IoU of the first two: 40x40 and 40x40 shifted by 20 px: 800 / 2400 = 0.33, under 0.6
        List<Fused> f = WeightedBoxFusion.fuse(List.of(box(0, 0, 40, 40, 0.9f, 1), box(20, 0, 60, 40, 0.7f, 1),
                box(0, 0, 40, 40, 0.5f, 2)), 1, 0.6f);
        assertEquals(3, f.size());
        assertArrayEquals(new float[] {0.9f, 0.7f, 0.5f}, new float[] {f.get(0).score(), f.get(1).score(),
                f.get(2).score()});
        assertArrayEquals(new float[] {0, 0, 40, 40}, f.get(2).box());
    }

    @Test
    void aDetectionFewViewsFindKeepsThatShareOfItsScore() {
        List<Fused> f = WeightedBoxFusion.fuse(List.of(box(0, 0, 30, 30, 0.9f, 1), box(100, 100, 130, 130, 0.6f,
                1), box(1, 0, 31, 30, 0.3f, 1)), 4, 0.6f);
        assertEquals(2, f.size());
        assertEquals(0.3f, f.get(0).score(), 1e-7f); // (0.9 + 0.3) / 4
        assertEquals(0.15f, f.get(1).score(), 1e-7f); // 0.6 / 4
        assertArrayEquals(new float[] {100, 100, 130, 130}, f.get(1).box()); // alone: its own box, bit for bit
    }

    @Test
    void aDetectionJoinsTheClusterItOverlapsMost() {
        // A (x 0..40) and B (10..50) overlap at IoU 1200 / 2000 = 0.6, not above it: two clusters. C (9..49)
        // overlaps A at 1240 / 1960 = 0.63 and B at 1560 / 1640 = 0.95: it joins B
        List<Fused> f = WeightedBoxFusion.fuse(List.of(box(0, 0, 40, 40, 0.9f, 1), box(10, 0, 50, 40, 0.8f, 1),
                box(9, 0, 49, 40, 0.7f, 1)), 3, 0.6f);
        assertEquals(2, f.size());
        assertEquals(0.5f, f.get(0).score(), 1e-7f); // (0.8 + 0.7) / 3
        assertEquals(List.of(0.8f, 0.7f), f.get(0).members().stream().map(Candidate::score).toList());
        assertEquals(0.3f, f.get(1).score(), 1e-7f);
        assertArrayEquals(new float[] {0, 0, 40, 40}, f.get(1).box());
    }

    @Test
    void masksAreTheScoreWeightedMeanOverTheUnionOfTheirWindows() {
        MaskCrop a = new MaskCrop(6, 8, 1, 1, 3, 2, Tensor.ofFloats(new float[] {1.0f, 0.5f}, 1, 2));
        MaskCrop b = new MaskCrop(6, 8, 2, 1, 4, 3, Tensor.ofFloats(new float[] {0.2f, 0.4f, 0.6f, 0.8f}, 2, 2));
        MaskCrop empty = new MaskCrop(6, 8, 0, 0, 0, 0, Tensor.ofFloats(new float[0], 0, 0));
        MaskCrop m = WeightedBoxFusion.fuseMasks(List.of(new Candidate(new float[4], 0.6f, 1, a),
                new Candidate(new float[4], 0.3f, 1, b), new Candidate(new float[4], 0.1f, 1, empty)));
        assertEquals(List.of(1, 1, 4, 3), List.of(m.x0(), m.y0(), m.x1(), m.y1()));
        // weights 0.6, 0.3 and 0.1 (the empty mask is 0 everywhere), total 1
        float[] want = {0.6f * 1.0f, 0.6f * 0.5f + 0.3f * 0.2f, 0.3f * 0.4f,
            0, 0.3f * 0.6f, 0.3f * 0.8f};
        assertArrayEquals(want, m.values().floats(), 1e-6f);
        assertSame(a, WeightedBoxFusion.fuseMasks(List.of(new Candidate(new float[4], 0.6f, 1, a))));
        MaskCrop none = WeightedBoxFusion.fuseMasks(List.of(new Candidate(new float[4], 0.6f, 1, empty),
                new Candidate(new float[4], 0.5f, 1, empty)));
        assertEquals(0, none.width() + none.height() + none.x0() + none.y0());
    }
}
