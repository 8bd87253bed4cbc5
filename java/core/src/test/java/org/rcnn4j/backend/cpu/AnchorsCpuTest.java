package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

class AnchorsCpuTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void anchorsMatchTorchvisionBitForBit() {
        Map<String, Tensor> f = Fixtures.load("boxes_anchors");
        int cases = 0;
        for (int i = 0; f.containsKey("case" + i + ".anchors"); i++, cases++) {
            String c = "case" + i + ".";
            long[] s = f.get(c + "sizes").longs();
            int[] sizes = new int[s.length];
            for (int k = 0; k < s.length; k++) {
                sizes[k] = (int) s[k];
            }
            long[] image = f.get(c + "image_size").longs();
            long[] feature = f.get(c + "feature_size").longs();
            Tensor anchors = cpu.boxes().anchors(sizes, f.get(c + "aspect_ratios").floats(), (int) image[0],
                    (int) image[1], (int) feature[0], (int) feature[1]);
            TensorAssert.assertExact(c, f.get(c + "anchors"), anchors);
        }
        assertEquals(6, cases);
    }

    @Test
    void size32BaseAnchorsRoundHalfToEven() {
        assertArrayEquals(new float[] {-23, -11, 23, 11, -16, -16, 16, 16, -11, -23, 11, 23},
                AnchorsCpu.baseAnchors(new int[] {32}, new float[] {0.5f, 1f, 2f}));
        // 45/2 = 22.5 rounds to 22, 3/2 = 1.5 rounds to 2
        assertArrayEquals(new float[] {-22, -22, 22, 22, -2, -2, 2, 2},
                AnchorsCpu.baseAnchors(new int[] {45, 3}, new float[] {1f}));
    }

    @Test
    void strideIsTheIntegerQuotientPerAxis() {
        Tensor a = cpu.boxes().anchors(new int[] {512}, new float[] {1f}, 800, 1088, 13, 17);
        TensorAssert.assertShape("anchors", a, 13 * 17, 4);
        float[] d = a.floats();
        assertEquals(64f - 256f, d[4], "second column: stride 1088 // 17 = 64");
        assertEquals(61f - 256f, d[17 * 4 + 1], "second row: stride 800 // 13 = 61");
    }

    @Test
    void badInputsNameTheArgument() {
        float[] r = {1f};
        assertMessageLeadsWith("sizes", () -> cpu.boxes().anchors(new int[0], r, 10, 10, 2, 2));
        assertMessageLeadsWith("sizes", () -> cpu.boxes().anchors(new int[] {0}, r, 10, 10, 2, 2));
        assertMessageLeadsWith("sizes", () -> cpu.boxes().anchors(null, r, 10, 10, 2, 2));
        assertMessageLeadsWith("aspect_ratios", () -> cpu.boxes().anchors(new int[] {8}, new float[0], 10, 10, 2, 2));
        assertMessageLeadsWith("aspect_ratios", () -> cpu.boxes().anchors(new int[] {8}, new float[] {-1f}, 10, 10, 2,
                2));
        assertMessageLeadsWith("aspect_ratios",
                () -> cpu.boxes().anchors(new int[] {8}, new float[] {Float.NaN}, 10, 10, 2, 2));
        assertMessageLeadsWith("image_height", () -> cpu.boxes().anchors(new int[] {8}, r, 0, 10, 2, 2));
        assertMessageLeadsWith("image_width", () -> cpu.boxes().anchors(new int[] {8}, r, 10, -1, 2, 2));
        assertMessageLeadsWith("feature_height", () -> cpu.boxes().anchors(new int[] {8}, r, 10, 10, 0, 2));
        assertMessageLeadsWith("feature_width", () -> cpu.boxes().anchors(new int[] {8}, r, 10, 10, 2, 0));
    }
}
