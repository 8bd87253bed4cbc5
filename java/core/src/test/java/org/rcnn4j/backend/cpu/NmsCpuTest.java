package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

class NmsCpuTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void nmsMatchesTorchvision() {
        Map<String, Tensor> f = Fixtures.load("boxes_nms");
        int cases = 0;
        for (int i = 0; f.containsKey("case" + i + ".keep"); i++, cases++) {
            String c = "case" + i + ".";
            Tensor keep = cpu.boxes().nms(f.get(c + "boxes"), f.get(c + "scores"),
                    f.get(c + "iou_threshold").floats()[0]);
            assertEquals(DType.I64, keep.dtype());
            TensorAssert.assertExact("nms " + c, f.get(c + "keep"), keep);
        }
        assertEquals(20, cases, "fixture cases");
    }

    @Test
    void batchedNmsMatchesTorchvisionOnBothSidesOfItsStrategySwitch() {
        Map<String, Tensor> f = Fixtures.load("boxes_batched_nms");
        int cases = 0;
        boolean above = false, below = false, int32 = false;
        for (int i = 0; f.containsKey("case" + i + ".keep"); i++, cases++) {
            String c = "case" + i + ".";
            Tensor boxes = f.get(c + "boxes");
            above |= boxes.numel() > 4000;
            below |= boxes.numel() <= 4000;
            int32 |= f.get(c + "idxs").dtype() == DType.I32;
            Tensor keep = cpu.boxes().batchedNms(boxes, f.get(c + "scores"), f.get(c + "idxs"),
                    f.get(c + "iou_threshold").floats()[0]);
            TensorAssert.assertExact("batched_nms " + c, f.get(c + "keep"), keep);
        }
        assertEquals(7, cases, "fixture cases");
        assertTrue(above && below && int32, "cases on both sides of the 4000-element switch, with I32 idxs");
    }

    /** The grid search against torchvision's exhaustive loop, over sizes, spreads and thresholds. */
    @Test
    void nmsMatchesExhaustiveGreedyOnRandomBoxes() {
        RandomTensors r = new RandomTensors();
        float[] thresholds = {0f, 0.005f, 0.3f, 0.5f, 0.7f, 0.95f, 1f, -0.2f};
        int[][] shapes = {{3000, 1000, 2, 60}, {2000, 300, 20, 300}, {5000, 4000, 1, 30}, {800, 50, 1, 50}};
        for (int[] s : shapes) {
            for (float t : thresholds) {
                int n = s[0];
                Tensor boxes = r.boxes(n, s[1], s[1] * 0.75f, 0);
                float[] b = boxes.floats();
                for (int i = 0; i < n; i++) { // shrink to sizes in [s[2], s[3]) around a random point
                    float w = s[2] + (float) r.random().nextDouble() * (s[3] - s[2]);
                    float h = s[2] + (float) r.random().nextDouble() * (s[3] - s[2]);
                    b[4 * i + 2] = b[4 * i] + w;
                    b[4 * i + 3] = b[4 * i + 1] + h;
                }
                Tensor scores = quantized(r, n, 40);
                Tensor expected = exhaustive(boxes, scores, null, t);
                TensorAssert.assertExact("nms n=" + n + " spread=" + s[1] + " t=" + t + " seed=" + r.seed(), expected,
                        cpu.boxes().nms(boxes, scores, t));
            }
        }
    }

    /** Subnormal areas (float32 IoU far from exact), areas overflowing to infinity, and ordinary scales. */
    @Test
    void nmsMatchesExhaustiveGreedyAtExtremeScales() {
        RandomTensors r = new RandomTensors();
        for (float scale : new float[] {1e-21f, 1e-18f, 1e-3f, 1e15f, 1e18f}) {
            Tensor boxes = r.boxes(1500, 300, 300, 0.5f);
            float[] b = boxes.floats();
            for (int i = 0; i < b.length; i++) {
                b[i] *= scale;
            }
            Tensor scores = quantized(r, 1500, 30);
            for (float t : new float[] {0.1f, 0.5f}) {
                TensorAssert.assertExact("nms scale=" + scale + " t=" + t + " seed=" + r.seed(),
                        exhaustive(boxes, scores, null, t), cpu.boxes().nms(boxes, scores, t));
            }
        }
    }

    /** Enough large boxes that one kept box's neighbourhood is scanned in parallel. */
    @Test
    void nmsOfManyLargeBoxesMatchesExhaustiveGreedy() {
        RandomTensors r = new RandomTensors();
        int n = 50000;
        Tensor boxes = r.boxes(n, 1000, 1000, 300);
        Tensor scores = r.uniform(0, 1, n);
        for (float t : new float[] {0.4f, 0.7f}) {
            TensorAssert.assertExact("nms t=" + t + " seed=" + r.seed(), exhaustive(boxes, scores, null, t),
                    cpu.boxes().nms(boxes, scores, t));
        }
    }

    @Test
    void degenerateAndNonFiniteBoxesNeverSuppressAndAreKept() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        float[] b = {0, 0, 10, 10, /* 1 */ 0, 0, 10, 10, /* 2 */ nan, 0, 10, 10, /* 3 */ 0, 0, inf, 10,
            /* 4 */ 0, 0, 10, 0, /* 5 */ 10, 10, 0, 0, /* 6 */ -inf, -inf, inf, inf, /* 7 */ 1, 1, 9, 9,
            /* 8 */ 0, 0, 3e38f, 3e38f, /* 9 */ 0, 0, 3e38f, 3e38f};
        Tensor boxes = Tensor.ofFloats(b, 10, 4);
        Tensor scores = Tensor.ofFloats(new float[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 10);
        TensorAssert.assertExact("nms", Tensor.ofLongs(new long[] {0, 2, 3, 4, 5, 6, 8, 9}, 8),
                cpu.boxes().nms(boxes, scores, 0.5f));
        TensorAssert.assertExact("nms vs exhaustive", exhaustive(boxes, scores, null, 0.5f),
                cpu.boxes().nms(boxes, scores, 0.5f));
        TensorAssert.assertExact("nms NaN threshold keeps all", Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8,
            9}, 10), cpu.boxes().nms(boxes, scores, Float.NaN));
    }

    @Test
    void nanScoresComeFirstAndZeroSignsTie() {
        Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9}, 5, 4);
        Tensor scores = Tensor.ofFloats(new float[] {-0f, 0f, Float.NaN, -1f, Float.NEGATIVE_INFINITY}, 5);
        TensorAssert.assertExact("order", Tensor.ofLongs(new long[] {2, 0, 1, 3, 4}, 5), cpu.boxes().nms(boxes, scores,
                0.5f));
    }

    @Test
    void batchedNmsMatchesPerClassExhaustiveGreedy() {
        RandomTensors r = new RandomTensors();
        for (int classes : new int[] {1, 3, 40}) {
            int n = 4000;
            Tensor boxes = r.boxes(n, 500, 400, 5);
            Tensor scores = quantized(r, n, 30);
            long[] idx = new long[n];
            for (int i = 0; i < n; i++) {
                idx[i] = r.random().nextInt(classes) * 1_000_003L - 5;
            }
            Tensor idxs = Tensor.ofLongs(idx, n);
            for (float t : new float[] {0.5f, 0f, -1f}) {
                TensorAssert.assertExact("batched_nms classes=" + classes + " t=" + t + " seed=" + r.seed(),
                        exhaustive(boxes, scores, idx, t), cpu.boxes().batchedNms(boxes, scores, idxs, t));
            }
            int[] idx32 = new int[n];
            for (int i = 0; i < n; i++) {
                idx32[i] = (int) idx[i];
            }
            TensorAssert.assertExact("batched_nms I32 seed=" + r.seed(), exhaustive(boxes, scores, idx, 0.6f),
                    cpu.boxes().batchedNms(boxes, scores, Tensor.ofInts(idx32, n), 0.6f));
        }
    }

    @Test
    void emptyInputGivesEmptyI64() {
        Tensor keep = cpu.boxes().nms(Tensor.zeros(DType.F32, 0, 4), Tensor.zeros(DType.F32, 0), 0.5f);
        TensorAssert.assertShape("keep", keep, 0);
        assertEquals(DType.I64, keep.dtype());
        Tensor bkeep = cpu.boxes().batchedNms(Tensor.zeros(DType.F32, 0, 4), Tensor.zeros(DType.F32, 0),
                Tensor.zeros(DType.I32, 0), 0.5f);
        TensorAssert.assertShape("keep", bkeep, 0);
    }

    @Test
    void badInputsNameTheArgument() {
        Tensor boxes = Tensor.zeros(DType.F32, 3, 4);
        Tensor scores = Tensor.zeros(DType.F32, 3);
        Tensor idxs = Tensor.zeros(DType.I64, 3);
        assertMessageLeadsWith("boxes", () -> cpu.boxes().nms(Tensor.zeros(DType.F32, 3, 5), scores, 0.5f));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().nms(Tensor.zeros(DType.F32, 12), scores, 0.5f));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().nms(Tensor.zeros(DType.F64, 3, 4), scores, 0.5f));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().nms(null, scores, 0.5f));
        assertMessageLeadsWith("scores", () -> cpu.boxes().nms(boxes, Tensor.zeros(DType.F32, 4), 0.5f));
        assertMessageLeadsWith("scores", () -> cpu.boxes().nms(boxes, Tensor.zeros(DType.F32, 3, 1), 0.5f));
        assertMessageLeadsWith("scores", () -> cpu.boxes().nms(boxes, Tensor.zeros(DType.I64, 3), 0.5f));
        assertMessageLeadsWith("idxs", () -> cpu.boxes().batchedNms(boxes, scores, Tensor.zeros(DType.I64, 2), 0.5f));
        assertMessageLeadsWith("idxs", () -> cpu.boxes().batchedNms(boxes, scores, Tensor.zeros(DType.F32, 3), 0.5f));
        assertMessageLeadsWith("scores", () -> cpu.boxes().batchedNms(boxes, Tensor.zeros(DType.F32, 2), idxs, 0.5f));
        assertMessageLeadsWith("boxes", () -> cpu.boxes().batchedNms(Tensor.zeros(DType.F32, 3, 3), scores, idxs,
                0.5f));
    }

    /** Scores in {0, 1/levels, ...}: many exact ties. */
    static Tensor quantized(RandomTensors r, int n, int levels) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.random().nextInt(levels) / (float) levels;
        }
        return Tensor.ofFloats(s, n);
    }

    /** torchvision's CPU loop, literally: stable descending order, every later unsuppressed box tested. */
    static Tensor exhaustive(Tensor boxes, Tensor scores, long[] labels, float t) {
        int n = boxes.size(0);
        float[] b = boxes.floats(), s = scores.floats();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> {
            float a = s[i] == 0f ? 0f : s[i], c = s[j] == 0f ? 0f : s[j];
            return Float.compare(c, a); // NaN first, ties stay in index order (a stable sort)
        });
        boolean[] suppressed = new boolean[n];
        long[] keep = new long[n];
        int k = 0;
        for (int pi = 0; pi < n; pi++) {
            int i = order[pi];
            if (suppressed[i]) {
                continue;
            }
            keep[k++] = i;
            float ix1 = b[4 * i], iy1 = b[4 * i + 1], ix2 = b[4 * i + 2], iy2 = b[4 * i + 3];
            float ia = (ix2 - ix1) * (iy2 - iy1);
            for (int pj = pi + 1; pj < n; pj++) {
                int j = order[pj];
                if (suppressed[j] || (labels != null && labels[i] != labels[j])) {
                    continue;
                }
                float xx1 = ix1 < b[4 * j] ? b[4 * j] : ix1;
                float yy1 = iy1 < b[4 * j + 1] ? b[4 * j + 1] : iy1;
                float xx2 = b[4 * j + 2] < ix2 ? b[4 * j + 2] : ix2;
                float yy2 = b[4 * j + 3] < iy2 ? b[4 * j + 3] : iy2;
                float w = 0f < xx2 - xx1 ? xx2 - xx1 : 0f;
                float h = 0f < yy2 - yy1 ? yy2 - yy1 : 0f;
                float inter = w * h;
                float ja = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                if (inter / (ia + ja - inter) > t) {
                    suppressed[j] = true;
                }
            }
        }
        return Tensor.ofLongs(Arrays.copyOf(keep, k), k);
    }
}
