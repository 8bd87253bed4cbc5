package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * {@link GeneralizedRcnn#detect(List, MaskOutput)}: binary masks are the pasted probabilities thresholded (above,
 * or at least, the threshold), whether pasted in one call or a slice of detections at a time, with the same boxes,
 * scores and labels, on the CPU and on the CUDA backend (each against its own probabilities).
 */
class MaskOutputTest {
    @Test
    void binaryMasksAreTheThresholdedProbabilitiesOnTheCpu() {
        try (Backend cpu = Backends.create("cpu")) {
            check(cpu, true);
        }
    }

    @Test
    void binaryMasksAreTheThresholdedProbabilitiesOnCuda() {
        check(CudaTestSupport.backend(), false); // fewer cases: the emulator takes seconds per detect
    }

    static void check(Backend backend, boolean allCases) {
        GeneralizedRcnn m = DeviceBudgetTest.model(backend);
        try {
            m.train(false);
            List<Tensor> images = List.of(new RandomTensors(11).uniform(0, 1, 3, 96, 150));
            ImageDetections probs = m.detect(images).get(0);
            assertEquals(DType.F32, probs.masks().dtype());
            int d = probs.count();
            assertTrue(d > 10, "the mask branch must run on many detections, got " + d);
            long plane = 4L * 96 * 150;
            // a threshold that splits these random-weight masks: the median of the probabilities above zero
            float[] positive = positives(probs);
            float median = positive[positive.length / 2];
            List<MaskOutput> outputs = allCases ? List.of(MaskOutput.above(0.5f), MaskOutput.atLeast(0.5f),
                    MaskOutput.above(median), MaskOutput.atLeast(median)) : List.of(MaskOutput.atLeast(median));
            for (MaskOutput out : outputs) {
                byte[] want = threshold(probs.masks().floats(), out);
                assertTrue(count(want) > 0 && count(want) < want.length, out + ": the masks should not be all one "
                        + "value");
                // whole (one paste), and in slices of 1, 3 and d - 1 detections (the last slice shorter)
                long[] slices = allCases ? new long[] {Long.MAX_VALUE, plane, 3 * plane, (d - 1) * plane}
                        : new long[] {Long.MAX_VALUE, 3 * plane};
                for (long slice : slices) {
                    ImageDetections got = m.detect(images, out, slice).get(0);
                    String what = out + " in slices of " + (slice == Long.MAX_VALUE ? "all" : slice / plane);
                    assertEquals(DType.U8, got.masks().dtype(), what);
                    assertArrayEquals(probs.masks().shape(), got.masks().shape(), what);
                    assertArrayEquals(want, got.masks().bytes(), what);
                    assertArrayEquals(probs.boxes().floats(), got.boxes().floats(), what);
                    assertArrayEquals(probs.scores().floats(), got.scores().floats(), what);
                    assertArrayEquals(probs.labels().longs(), got.labels().longs(), what);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> m.detect(images, null));
        } finally {
            m.release();
        }
    }

    private static byte[] threshold(float[] p, MaskOutput out) {
        byte[] b = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            b[i] = (out.inclusive() ? p[i] >= out.threshold() : p[i] > out.threshold()) ? (byte) 1 : 0;
        }
        return b;
    }

    /** The probabilities above zero, sorted. */
    private static float[] positives(ImageDetections d) {
        float[] p = d.masks().floats();
        int n = 0;
        float[] out = new float[p.length];
        for (float v : p) {
            if (v > 0) {
                out[n++] = v;
            }
        }
        float[] r = java.util.Arrays.copyOf(out, n);
        java.util.Arrays.sort(r);
        return r;
    }

    private static long count(byte[] b) {
        long n = 0;
        for (byte x : b) {
            n += x;
        }
        return n;
    }
}
