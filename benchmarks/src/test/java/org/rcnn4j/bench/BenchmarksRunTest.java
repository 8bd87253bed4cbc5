package org.rcnn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

/**
 * Each benchmark runs once at its real size and gives outputs of the expected shape: the benchmarks measure
 * working kernels on valid inputs (no timing here; timing lives in the JMH runs).
 */
class BenchmarksRunTest {

    @Test
    void inputsAreDeterministicAndValidBoxes() {
        Tensor a = new BenchData(7).proposals(1000, 10, 1216, 800);
        Tensor b = new BenchData(7).proposals(1000, 10, 1216, 800);
        assertArrayEquals(a.floats(), b.floats());
        float[] d = a.floats();
        for (int i = 0; i < 1000; i++) {
            assertTrue(d[4 * i] >= 0 && d[4 * i] < d[4 * i + 2] && d[4 * i + 2] <= 1216, "x of box " + i);
            assertTrue(d[4 * i + 1] >= 0 && d[4 * i + 1] < d[4 * i + 3] && d[4 * i + 3] <= 800, "y of box " + i);
        }
    }

    @Test
    void nms() {
        NmsBench b = new NmsBench();
        b.setup();
        int kept = b.nms10k().numel();
        assertTrue(kept > 100 && kept < 10_000, "NMS at 0.7 keeps some of 10k clustered proposals: " + kept);
        assertTrue(b.batchedNms10k80Classes().numel() >= kept, "per class keeps at least as many");
    }

    @Test
    void roi() {
        RoiBench b = new RoiBench();
        b.setup();
        assertArrayEquals(new int[] {1000, 256, 7, 7}, b.roiAlignForward().shape());
        assertArrayEquals(new int[] {1, 256, 50, 76}, b.roiAlignBackward().shape());
        assertArrayEquals(new int[] {1000, 256, 7, 7}, b.roiPoolForward().output().shape());
        assertArrayEquals(new int[] {1, 256, 50, 76}, b.roiPoolBackward().shape());
    }

    @Test
    void pasteMasks() {
        PasteMasksBench b = new PasteMasksBench();
        b.setup();
        assertArrayEquals(new int[] {100, 1, 800, 1216}, b.paste100Masks().shape());
    }

    @Test
    void conv2d() {
        Conv2dBench b = new Conv2dBench();
        b.setup();
        assertArrayEquals(new int[] {1, 256, 50, 76}, b.conv3x3x256Forward().shape());
    }

    @Test
    void boxes() {
        BoxesBench b = new BoxesBench();
        b.setup();
        assertArrayEquals(new int[] {200_000, 4}, b.decode200k().shape());
        int total = 0;
        for (int[] level : BoxesBench.LEVELS) {
            total += new org.rcnn4j.backend.cpu.CpuBackend().boxes().anchors(new int[] {level[2]}, BoxesBench.RATIOS,
                    800, 1088, level[0], level[1]).size(0);
        }
        assertEquals(217_413, total, "torchvision's anchor count at 800x1088");
    }
}
