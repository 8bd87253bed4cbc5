package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.PasteMaskInputs;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** paste_masks in windows on the CPU: bit for bit the full paste's values there, and zero outside paste windows. */
class PasteMasksWindowsCpuTest {
    private final Backend cpu = new CpuBackend();

    /**
     * The paste windows hold every nonzero value of the full paste (the rest of each plane is 0), and the windowed
     * paste gives those windows' values bit for bit.
     */
    @ParameterizedTest
    @CsvSource({"28,1,37,53,24", "14,0,53,37,17", "14,2,40,61,9", "28,1,130,97,40", "7,3,5,300,6", "1,1,11,13,5"})
    void pasteWindowsHoldTheWholePaste(int m, int padding, int h, int w, int k) {
        RandomTensors rnd = new RandomTensors();
        Tensor masks = rnd.uniform(-0.5f, 1.5f, k, 1, m, m);
        Tensor boxes = PasteMaskInputs.boxes(rnd, k, h, w);
        Tensor full = cpu.roi().pasteMasks(masks, boxes, h, w, padding);
        int[] windows = PasteWindows.of(boxes, m, padding, h, w);
        String what = "m=" + m + " padding=" + padding + " " + h + "x" + w + " seed " + rnd.seed();
        float[] f = full.floats();
        int partial = 0;
        for (int i = 0; i < k; i++) {
            int x0 = windows[4 * i];
            int y0 = windows[4 * i + 1];
            int x1 = windows[4 * i + 2];
            int y1 = windows[4 * i + 3];
            partial += PasteWindows.area(windows, i) < (long) h * w ? 1 : 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!(x >= x0 && x < x1 && y >= y0 && y < y1)) {
                        assertEquals(0, Float.floatToRawIntBits(f[(i * h + y) * w + x]),
                                what + ": mask " + i + " pixel (" + x + ", " + y + ") outside its window");
                    }
                }
            }
        }
        assertTrue(partial > 0, what + ": no window smaller than the image");
        Tensor windowed = cpu.roi().pasteMasksInWindows(masks, boxes, h, w, padding, windows);
        TensorAssert.assertBits(what, PasteMaskInputs.crops(full, windows), windowed);
    }

    /** Any window, the whole image, an empty one or one on a border, gives the full paste's values there. */
    @Test
    void anyWindowMatchesTheFullPaste() {
        RandomTensors rnd = new RandomTensors();
        int h = 47;
        int w = 63;
        int k = 30;
        Tensor masks = rnd.uniform(-0.5f, 1.5f, k, 1, 28, 28);
        Tensor boxes = PasteMaskInputs.boxes(rnd, k, h, w);
        int[] windows = PasteMaskInputs.windows(rnd.random(), k, h, w);
        Tensor full = cpu.roi().pasteMasks(masks, boxes, h, w, 1);
        Tensor windowed = cpu.roi().pasteMasksInWindows(masks, boxes, h, w, 1, windows);
        TensorAssert.assertBits("seed " + rnd.seed(), PasteMaskInputs.crops(full, windows), windowed);
    }

    @Test
    void noMasksOrAnEmptyImageGiveNothing() {
        Tensor masks = new RandomTensors(3).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        TensorAssert.assertShape("0-row image", cpu.roi().pasteMasksInWindows(masks, boxes, 0, 9, 1,
                PasteWindows.of(boxes, 28, 1, 0, 9)), 0);
        TensorAssert.assertShape("K = 0", cpu.roi().pasteMasksInWindows(Tensor.ofFloats(new float[0], 0, 1, 28, 28),
                Tensor.ofFloats(new float[0], 0, 4), 7, 9, 1, new int[0]), 0);
    }

    @Test
    void badWindowsAreNamed() {
        Tensor masks = new RandomTensors(5).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        assertMessageNames("windows", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, 1, null));
        assertMessageNames("windows", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, 1, new int[4]));
        assertMessageNames("windows", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, 1,
                new int[] {0, 0, 11, 10, 0, 0, 1, 1}));
        assertMessageNames("windows", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, 1,
                new int[] {0, 0, 1, 1, 5, 0, 4, 1}));
        assertMessageNames("windows", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, 1,
                new int[] {0, -1, 1, 1, 0, 0, 1, 1}));
        assertMessageNames("masks", () -> cpu.roi().pasteMasksInWindows(masks.reshape(2, 28, 28), boxes, 10, 10, 1,
                new int[8]));
        assertMessageNames("padding", () -> cpu.roi().pasteMasksInWindows(masks, boxes, 10, 10, -1, new int[8]));
    }
}
