package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** The RPN's proposal filter against torchvision's filter_proposals (fixtures from gen_rpn_filter.py). */
class ProposalFilterTest {
    private final Backend cpu = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"default", "thresh", "small"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("rpn_filter_" + name);
        long[] p = f.get("params").longs();
        double[] fl = f.get("floats").doubles();
        long[] lv = f.get("levels").longs();
        int[] levels = new int[lv.length];
        for (int i = 0; i < lv.length; i++) {
            levels[i] = (int) lv[i];
        }
        long[] sz = f.get("image_sizes").longs();
        int[][] sizes = new int[sz.length / 2][];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = new int[] {(int) sz[2 * i], (int) sz[2 * i + 1]};
        }
        ProposalFilter.Settings s = new ProposalFilter.Settings((int) p[0], (int) p[1], (float) fl[0], (float) fl[1],
                (float) fl[2]);
        List<ProposalFilter.Proposals> out = ProposalFilter.filter(cpu, f.get("anchors"), f.get("deltas"),
                f.get("objectness"), levels, sizes, s);
        assertEquals(sizes.length, out.size());
        for (int i = 0; i < sizes.length; i++) {
            Tensor eb = f.get("boxes" + i);
            assertTrue(eb.size(0) > 0, "fixture keeps proposals");
            assertArrayEquals(eb.shape(), out.get(i).boxes().shape(), name + " image " + i + ": proposal count");
            TensorAssert.assertClose(name + " boxes" + i, eb, out.get(i).boxes(), TensorAssert.FORWARD);
            TensorAssert.assertClose(name + " scores" + i, f.get("scores" + i), out.get(i).scores(),
                    TensorAssert.FORWARD);
        }
    }

    @Test
    void topKIsDescendingWithTiesInIndexOrder() {
        float[] v = {9f, 1f, -3f, 5f, 5f, -0f, 0f, Float.NaN, -7f};
        Tensor row = Tensor.ofFloats(v, 1, v.length);
        assertArrayEquals(new long[] {7, 0, 3, 4, 1, 5, 6},
                cpu.select().topKSegments(row, new int[] {v.length}, 7).longs());
        // segments {9}, {1, -3, 5, 5} (the two 5f, in index order), {-0, 0, NaN, -7} (NaN, then -0 before 0)
        assertArrayEquals(new long[] {0, 3, 4, 7, 5}, cpu.select().topKSegments(row, new int[] {1, 4, 4}, 2).longs());
        assertArrayEquals(new long[0], cpu.select().topKSegments(row, new int[] {v.length}, 0).longs());
    }

    @Test
    void emptyAndBadInputs() {
        ProposalFilter.Settings s = new ProposalFilter.Settings(10, 10, 0.7f, 0f, 1e-3f);
        List<ProposalFilter.Proposals> none = ProposalFilter.filter(cpu, Tensor.zeros(DType.F32, 0, 4),
                Tensor.zeros(DType.F32, 1, 0, 4), Tensor.zeros(DType.F32, 1, 0), new int[] {0}, new int[][] {{8, 8}},
                s);
        assertArrayEquals(new int[] {0, 4}, none.get(0).boxes().shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProposalFilter.filter(cpu,
                Tensor.zeros(DType.F32, 3, 4), Tensor.zeros(DType.F32, 1, 3, 4), Tensor.zeros(DType.F32, 1, 3),
                new int[] {2}, new int[][] {{8, 8}}, s));
        assertTrue(e.getMessage().contains("num_anchors_per_level"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProposalFilter.filter(cpu, Tensor.zeros(DType.F32, 3,
                4), Tensor.zeros(DType.F32, 1, 3, 2), Tensor.zeros(DType.F32, 1, 3), new int[] {3},
                new int[][] {{8, 8}}, s));
        assertTrue(e.getMessage().contains("pred_bbox_deltas"), e.getMessage());
    }
}
