package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * {@link MaskOutput#asCrops()}: each detection's mask at its paste window is, bit for bit, the full-size mask there,
 * and the full-size mask is 0 outside it; probabilities or binary, in one paste or a slice of windows at a time,
 * with the same boxes, scores and labels, on the CPU and on the CUDA backend (each against its own full paste).
 */
class MaskCropsTest {
    @Test
    void cropsAreTheFullSizeMasksOnTheCpu() {
        try (Backend cpu = Backends.create("cpu")) {
            check(cpu, true);
        }
    }

    @Test
    void cropsAreTheFullSizeMasksOnCuda() {
        check(CudaTestSupport.backend(), false); // fewer cases: the emulator takes seconds per detect
    }

    static void check(Backend backend, boolean allCases) {
        GeneralizedRcnn m = DeviceBudgetTest.model(backend);
        try {
            m.train(false);
            int h = 96;
            int w = 150;
            List<Tensor> images = List.of(new RandomTensors(11).uniform(0, 1, 3, h, w));
            ImageDetections full = m.detect(images).get(0);
            int d = full.count();
            assertTrue(d > 10, "the mask branch must run on many detections, got " + d);
            long plane = 4L * h * w;
            List<MaskOutput> outputs = allCases
                    ? List.of(MaskOutput.probabilities(), MaskOutput.above(0.5f), MaskOutput.atLeast(0.25f))
                    : List.of(MaskOutput.probabilities(), MaskOutput.above(0.25f));
            long[] slices = allCases ? new long[] {Long.MAX_VALUE, 1, plane / 3, 2 * plane}
                    : new long[] {Long.MAX_VALUE, plane / 3};
            int partial = 0;
            for (MaskOutput out : outputs) {
                ImageDetections reference = out.binary() ? m.detect(images, out).get(0) : full;
                for (long slice : slices) {
                    String what = out + " in slices of " + slice + " bytes";
                    ImageDetections got = m.detect(images, out.asCrops(), slice).get(0);
                    assertNull(got.masks(), what);
                    assertEquals(d, got.crops().size(), what);
                    assertArrayEquals(full.boxes().floats(), got.boxes().floats(), what);
                    assertArrayEquals(full.scores().floats(), got.scores().floats(), what);
                    assertArrayEquals(full.labels().longs(), got.labels().longs(), what);
                    for (int i = 0; i < d; i++) {
                        MaskCrop c = got.crops().get(i);
                        assertEquals(out.binary(), c.binary(), what);
                        assertEquals(h, c.imageHeight(), what);
                        assertEquals(w, c.imageWidth(), what);
                        partial += c.width() < w || c.height() < h ? 1 : 0;
                        assertSamePlane(what + " detection " + i, reference.masks(), i, c);
                    }
                }
            }
            assertTrue(partial > 0, "some windows should be smaller than the image");
        } finally {
            m.release();
        }
    }

    /** Plane i of full-size masks [D, 1, h, w] (F32 or U8) equals the crop inside its window and 0 outside. */
    static void assertSamePlane(String what, Tensor masks, int i, MaskCrop c) {
        int h = masks.size(2);
        int w = masks.size(3);
        int base = i * h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = x >= c.x0() && x < c.x1() && y >= c.y0() && y < c.y1();
                int at = (y - c.y0()) * c.width() + (x - c.x0());
                if (masks.dtype() == DType.U8) {
                    byte want = masks.bytes()[base + y * w + x];
                    byte got = in ? c.values().bytes()[at] : 0;
                    if (want != got) {
                        throw new AssertionError(what + ": pixel (" + x + ", " + y + ") " + got + " != " + want);
                    }
                } else {
                    int want = Float.floatToRawIntBits(masks.floats()[base + y * w + x]);
                    int got = in ? Float.floatToRawIntBits(c.values().floats()[at]) : 0;
                    if (want != got) {
                        throw new AssertionError(what + ": pixel (" + x + ", " + y + ") " + Float.intBitsToFloat(got)
                                + " != " + Float.intBitsToFloat(want));
                    }
                }
            }
        }
    }
}
