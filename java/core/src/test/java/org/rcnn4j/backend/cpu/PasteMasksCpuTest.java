package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** paste_masks_in_image on the CPU against torchvision fixtures (gen_masks.py) and a per-pixel reference. */
class PasteMasksCpuTest {
    private final Backend cpu = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"m28_p1", "m14_p0", "m14_p2", "m28_p1_inside", "tiny", "empty"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("masks_paste_" + name);
        long[] p = f.get("params").longs();
        Tensor out = cpu.roi().pasteMasks(f.get("masks"), f.get("boxes"), (int) p[0], (int) p[1], (int) p[2]);
        TensorAssert.assertClose("paste " + name, f.get("out"), out, TensorAssert.FORWARD);
    }

    @Test
    void fixturesAreNotTrivial() {
        // guards the fixture itself: masks pasted partly outside the image and values strictly between 0 and 1
        Tensor out = Fixtures.load("masks_paste_m28_p1").get("out");
        float[] d = out.floats();
        int plane = out.size(2) * out.size(3);
        int fractional = 0;
        for (float v : d) {
            fractional += v > 0 && v < 1 ? 1 : 0;
        }
        assertTrue(fractional > plane, "fixture holds few fractional values: " + fractional);
    }

    /** Boxes torchvision 0.14 cannot paste (it fails or wraps a slice) paste nothing in rcnn4j. */
    @Test
    void boxesMissingTheImagePasteZeros() {
        Map<String, Tensor> f = Fixtures.load("masks_paste_m28_p1");
        long[] p = f.get("params").longs();
        int h = (int) p[0];
        int w = (int) p[1];
        float[][] bad = {
            {w + 1f, 3f, w + 20f, 20f},        // right of the image
            {-40f, 3f, -5f, 20f},              // left of it (torchvision wraps the negative slice end)
            {5f, -30f, 20f, -4f},              // above
            {5f, h + 0.5f, 20f, h + 9f},       // below
            {30f, 10f, 10f, 20f},              // inverted x
            {10f, 25f, 20f, 5f},               // inverted y
            {Float.NaN, 3f, 20f, 20f},
            {3f, 3f, Float.POSITIVE_INFINITY, 20f},
            {Float.NEGATIVE_INFINITY, 3f, 20f, 20f},
        };
        Tensor good = f.get("boxes");
        int kGood = good.size(0);
        int k = kGood + bad.length;
        float[] boxes = new float[4 * k];
        System.arraycopy(good.floats(), 0, boxes, 0, 4 * kGood);
        for (int i = 0; i < bad.length; i++) {
            System.arraycopy(bad[i], 0, boxes, 4 * (kGood + i), 4);
        }
        int m = f.get("masks").size(3);
        Tensor masks = new RandomTensors(11).uniform(0.1f, 1f, k, 1, m, m);
        System.arraycopy(f.get("masks").floats(), 0, masks.floats(), 0, kGood * m * m);

        Tensor out = cpu.roi().pasteMasks(masks, Tensor.ofFloats(boxes, k, 4), h, w, (int) p[2]);
        float[] d = out.floats();
        int plane = h * w;
        Tensor firstPlanes = Tensor.ofFloats(java.util.Arrays.copyOf(d, kGood * plane), kGood, 1, h, w);
        TensorAssert.assertClose("valid boxes beside invalid ones", f.get("out"), firstPlanes, TensorAssert.FORWARD);
        for (int i = kGood; i < k; i++) {
            for (int q = 0; q < plane; q++) {
                assertEquals(0f, d[i * plane + q], "box " + java.util.Arrays.toString(bad[i - kGood]) + " pixel " + q);
            }
        }
    }

    @Test
    void matchesPerPixelReferenceOnRandomBoxes() {
        RandomTensors rnd = new RandomTensors();
        int h = 71;
        int w = 45;
        for (int padding = 0; padding <= 3; padding++) {
            int m = 5 + 7 * padding;
            int k = 20;
            Tensor masks = rnd.uniform(-1f, 2f, k, 1, m, m);
            Tensor boxes = rnd.uniform(-0.4f * w, 1.4f * w, k, 4);
            float[] b = boxes.floats();
            for (int i = 0; i < k; i++) {
                b[4 * i + 1] = b[4 * i + 1] * h / w;
                b[4 * i + 3] = b[4 * i + 3] * h / w;
                sortPair(b, 4 * i, 4 * i + 2);
                sortPair(b, 4 * i + 1, 4 * i + 3);
            }
            Tensor expected = perPixel(masks, boxes, h, w, padding);
            Tensor actual = cpu.roi().pasteMasks(masks, boxes, h, w, padding);
            TensorAssert.assertClose("random boxes, padding " + padding + ", seed " + rnd.seed(), expected, actual,
                    TensorAssert.FORWARD);
        }
    }

    /** Corners far beyond the image (clamped to +-2^31 after expansion) still paste the right part of the mask. */
    @Test
    void hugeBoxesMatchPerPixelReference() {
        Tensor masks = new RandomTensors(9).uniform(0f, 1f, 5, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {
            -1e12f, 5f, 1e12f, 20f,
            -3e9f, -3e9f, 3e9f, 3e9f,
            3e9f, 2f, 4e9f, 9f,
            -4e9f, 2f, -3e9f, 9f,
            -1e7f, -2e6f, 30f, 20f}, 5, 4);
        Tensor expected = perPixel(masks, boxes, 23, 31, 1);
        Tensor actual = cpu.roi().pasteMasks(masks, boxes, 23, 31, 1);
        TensorAssert.assertClose("huge boxes", expected, actual, TensorAssert.FORWARD);
        float[] d = actual.floats();
        int plane = 23 * 31;
        for (int q = 0; q < plane; q++) {
            assertEquals(0f, d[2 * plane + q], "box right of 2^31, pixel " + q);
            assertEquals(0f, d[3 * plane + q], "box left of -2^31, pixel " + q);
        }
        assertTrue(d[5 * 31 + 3] > 0f, "the first box covers row 5");
    }

    @Test
    void emptyImage() {
        Tensor masks = new RandomTensors(3).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        TensorAssert.assertShape("0-row image", cpu.roi().pasteMasks(masks, boxes, 0, 9, 1), 2, 1, 0, 9);
        TensorAssert.assertShape("0-column image", cpu.roi().pasteMasks(masks, boxes, 9, 0, 1), 2, 1, 9, 0);
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor masks = new RandomTensors(5).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        assertMessageNames("masks", () -> cpu.roi().pasteMasks(null, boxes, 10, 10, 1));
        assertMessageNames("masks", () -> cpu.roi().pasteMasks(masks.reshape(2, 28, 28), boxes, 10, 10, 1));
        assertMessageNames("masks", () -> cpu.roi().pasteMasks(masks.reshape(1, 2, 28, 28), boxes, 10, 10, 1));
        assertMessageNames("masks", () -> cpu.roi().pasteMasks(masks.reshape(2, 1, 14, 56), boxes, 10, 10, 1));
        assertMessageNames("masks", () -> cpu.roi().pasteMasks(Tensor.zeros(DType.F64, 2, 1, 28, 28), boxes, 10, 10,
                1));
        assertMessageNames("boxes", () -> cpu.roi().pasteMasks(masks, null, 10, 10, 1));
        assertMessageNames("boxes", () -> cpu.roi().pasteMasks(masks, boxes.reshape(1, 8), 10, 10, 1));
        assertMessageNames("boxes", () -> cpu.roi().pasteMasks(masks, boxes.reshape(4, 2), 10, 10, 1));
        assertMessageNames("boxes", () -> cpu.roi().pasteMasks(masks, Tensor.zeros(DType.F32, 3, 4), 10, 10, 1));
        assertMessageNames("boxes", () -> cpu.roi().pasteMasks(masks, Tensor.zeros(DType.I64, 2, 4), 10, 10, 1));
        assertMessageNames("imageHeight", () -> cpu.roi().pasteMasks(masks, boxes, -1, 10, 1));
        assertMessageNames("imageWidth", () -> cpu.roi().pasteMasks(masks, boxes, 10, -1, 1));
        assertMessageNames("padding", () -> cpu.roi().pasteMasks(masks, boxes, 10, 10, -1));
    }

    private static void sortPair(float[] a, int i, int j) {
        if (a[i] > a[j]) {
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * The definition, pixel by pixel: resize the padded mask to the whole truncated box (w x h) with bilinear
     * align_corners=False, then copy the part inside the image. No separable trick, no clipping of the resize.
     */
    static Tensor perPixel(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        int k = masks.size(0);
        int m = masks.size(3);
        int mp = m + 2 * padding;
        float[] src = masks.floats();
        float[] out = new float[k * imageHeight * imageWidth];
        for (int i = 0; i < k; i++) {
            long[] b = PasteWindows.expandedBox(boxes.floats(), i, m, padding);
            if (b == null) {
                continue;
            }
            long w = Math.max(b[2] - b[0] + 1, 1);
            long h = Math.max(b[3] - b[1] + 1, 1);
            float[] padded = new float[mp * mp];
            for (int r = 0; r < m; r++) {
                System.arraycopy(src, (i * m + r) * m, padded, (r + padding) * mp + padding, m);
            }
            for (int y = 0; y < imageHeight; y++) {
                for (int x = 0; x < imageWidth; x++) {
                    long dy = y - b[1];
                    long dx = x - b[0];
                    if (dy < 0 || dy >= h || dx < 0 || dx >= w || b[2] < b[0] || b[3] < b[1]) {
                        continue;
                    }
                    float sy = Math.max((float) mp / (float) h * ((float) dy + 0.5f) - 0.5f, 0f);
                    float sx = Math.max((float) mp / (float) w * ((float) dx + 0.5f) - 0.5f, 0f);
                    int y0 = (int) sy;
                    int x0 = (int) sx;
                    int y1 = Math.min(y0 + 1, mp - 1);
                    int x1 = Math.min(x0 + 1, mp - 1);
                    float ly = sy - y0;
                    float lx = sx - x0;
                    float top = padded[y0 * mp + x0] * (1 - lx) + padded[y0 * mp + x1] * lx;
                    float bottom = padded[y1 * mp + x0] * (1 - lx) + padded[y1 * mp + x1] * lx;
                    out[(i * imageHeight + y) * imageWidth + x] = top * (1 - ly) + bottom * ly;
                }
            }
        }
        return Tensor.ofFloats(out, k, 1, imageHeight, imageWidth);
    }
}
