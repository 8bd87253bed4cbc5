package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.NmsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** nms and batched_nms on CUDA against torchvision's fixtures and the CPU backend, indices exactly. */
class NmsCudaTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void nmsMatchesTorchvisionFixtures() {
        CudaBackend cuda = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("boxes_nms");
        for (int i = 0; f.containsKey("case" + i + ".keep"); i++) {
            String c = "case" + i + ".";
            try (Tensor b = cuda.toDevice(f.get(c + "boxes")); Tensor s = cuda.toDevice(f.get(c + "scores"));
                    Tensor keep = cuda.boxes().nms(b, s, f.get(c + "iou_threshold").floats()[0])) {
                assertEquals(DType.I64, keep.dtype());
                TensorAssert.assertExact("nms " + c, f.get(c + "keep"), cuda.toHost(keep));
            }
        }
    }

    @Test
    void batchedNmsMatchesTorchvisionFixtures() {
        CudaBackend cuda = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("boxes_batched_nms");
        for (int i = 0; f.containsKey("case" + i + ".keep"); i++) {
            String c = "case" + i + ".";
            try (Tensor b = cuda.toDevice(f.get(c + "boxes")); Tensor s = cuda.toDevice(f.get(c + "scores"));
                    Tensor idx = cuda.toDevice(f.get(c + "idxs"));
                    Tensor keep = cuda.boxes().batchedNms(b, s, idx, f.get(c + "iou_threshold").floats()[0])) {
                TensorAssert.assertExact("batched_nms " + c, f.get(c + "keep"), cuda.toHost(keep));
            }
        }
    }

    /** Sizes around the 64-box blocks and both sorts (rank sort up to 2048, radix beyond). */
    @Test
    void nmsMatchesCpuOnRandomBoxes() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int[] sizes = {1, 2, 63, 64, 65, 300, NmsKernels.RANK_SORT_MAX, NmsKernels.RANK_SORT_MAX + 1, 4100};
        float[] thresholds = {0.5f, 0.7f, 0f, 1f, -0.25f};
        for (int k = 0; k < sizes.length; k++) {
            int n = sizes[k];
            Tensor boxes = boxesWithDegenerates(r, n);
            Tensor scores = quantized(r, n, 1 + r.random().nextInt(60));
            float t = thresholds[k % thresholds.length];
            String what = "nms n=" + n + " t=" + t + " seed=" + r.seed();
            try (Tensor b = cuda.toDevice(boxes); Tensor s = cuda.toDevice(scores); Tensor keep = cuda.boxes().nms(b,
                    s, t)) {
                TensorAssert.assertExact(what, cpu.boxes().nms(boxes, scores, t), cuda.toHost(keep));
            }
        }
    }

    @Test
    void batchedNmsMatchesCpuWithI64AndI32Labels() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {100, 1500, 3000}) {
            Tensor boxes = boxesWithDegenerates(r, n);
            Tensor scores = quantized(r, n, 25);
            long[] labels = new long[n];
            int[] labels32 = new int[n];
            int classes = 1 + r.random().nextInt(12);
            for (int i = 0; i < n; i++) {
                labels32[i] = r.random().nextInt(classes) * 7919 - 3;
                labels[i] = labels32[i] + (labels32[i] % 2 == 0 ? 0L : (1L << 40)); // beyond int range, distinct
            }
            for (Tensor idxs : new Tensor[] {Tensor.ofLongs(labels, n), Tensor.ofInts(labels32, n)}) {
                String what = "batched_nms n=" + n + " " + idxs.dtype() + " seed=" + r.seed();
                try (Tensor b = cuda.toDevice(boxes); Tensor s = cuda.toDevice(scores); Tensor i = cuda.toDevice(idxs);
                        Tensor keep = cuda.boxes().batchedNms(b, s, i, 0.45f)) {
                    TensorAssert.assertExact(what, cpu.boxes().batchedNms(boxes, scores, idxs, 0.45f),
                            cuda.toHost(keep));
                }
            }
        }
    }

    /** The device sort alone, into a poisoned buffer: a permutation by (descending score, index). */
    @Test
    void deviceSortIsStableDescendingForEverySize() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudaDevice d = cuda.device();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {1, 5, 255, 257, NmsKernels.RANK_SORT_MAX, NmsKernels.RANK_SORT_MAX + 1, 1024 * 5 + 3,
            20000}) {
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = r.random().nextInt(20);
                s[i] = kind == 0 ? Float.NaN : kind == 1 ? -0f : kind == 2 ? 0f
                        : kind == 3 ? Float.NEGATIVE_INFINITY : kind < 10 ? r.random().nextInt(8) - 4f
                        : (float) r.random().nextGaussian() * 1e3f;
            }
            try (Tensor scores = cuda.toDevice(Tensor.ofFloats(s, n));
                    Tensor order = CudaTestSupport.poisoned(DType.I32, n)) {
                NmsKernels.sortByScoreDescending(d, scores.deviceBuffer().pointer(), n, order.deviceBuffer().pointer());
                int[] got = cuda.toHost(order).ints();
                assertArrayEqualsStable("sort n=" + n + " seed=" + r.seed(), expectedOrder(s), got);
            }
        }
    }

    /** The kept indices fill keep[0..count) and nothing beyond it (the rest keeps its poison). */
    @Test
    void keepBufferIsWrittenExactlyUpToTheCount() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int n = 700;
        Tensor boxes = boxesWithDegenerates(r, n);
        Tensor scores = r.uniform(0, 1, n);
        long[] expected = cpu.boxes().nms(boxes, scores, 0.3f).longs();
        try (Tensor b = cuda.toDevice(boxes); Tensor s = cuda.toDevice(scores);
                Tensor keep = CudaTestSupport.poisoned(DType.I64, n)) {
            int count = NmsKernels.nms(cuda.device(), b.deviceBuffer(), s.deviceBuffer(), n, 0.3f,
                    keep.deviceBuffer());
            long[] got = cuda.toHost(keep).longs();
            assertEquals(expected.length, count, "count seed=" + r.seed());
            assertTrue(count < n, "some boxes suppressed");
            TensorAssert.assertExact("keep seed=" + r.seed(), Tensor.ofLongs(expected, count),
                    Tensor.ofLongs(Arrays.copyOf(got, count), count));
            for (int i = count; i < n; i++) {
                assertEquals(-1L, got[i], "keep[" + i + "] beyond the count was written");
            }
        }
    }

    @Test
    void emptyInputAndNoLeaks() {
        CudaBackend cuda = CudaTestSupport.backend();
        CudaTestSupport.assertNoLeak("nms", () -> {
            try (Tensor b = cuda.toDevice(Tensor.zeros(DType.F32, 0, 4)); Tensor s = cuda.toDevice(Tensor.zeros(DType.F32, 0));
                    Tensor keep = cuda.boxes().nms(b, s, 0.5f)) {
                TensorAssert.assertShape("keep", keep, 0);
            }
            RandomTensors r = new RandomTensors();
            Tensor boxes = r.boxes(300, 100, 100, 1);
            try (Tensor b = cuda.toDevice(boxes); Tensor s = cuda.toDevice(r.uniform(0, 1, 300));
                    Tensor i = cuda.toDevice(Tensor.zeros(DType.I32, 300));
                    Tensor k1 = cuda.boxes().nms(b, s, 0.5f); Tensor k2 = cuda.boxes().batchedNms(b, s, i, 0.5f)) {
                assertTrue(k1.numel() > 0 && k1.numel() == k2.numel());
            }
        });
    }

    @Test
    void badInputsNameTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor b = cuda.toDevice(Tensor.zeros(DType.F32, 3, 4)); Tensor s = cuda.toDevice(Tensor.zeros(DType.F32, 3));
                Tensor b5 = cuda.toDevice(Tensor.zeros(DType.F32, 3, 5));
                Tensor s2 = cuda.toDevice(Tensor.zeros(DType.F32, 2));
                Tensor idxF = cuda.toDevice(Tensor.zeros(DType.F32, 3))) {
            assertMessageLeadsWith("boxes", () -> cuda.boxes().nms(b5, s, 0.5f));
            assertMessageLeadsWith("scores", () -> cuda.boxes().nms(b, s2, 0.5f));
            assertMessageLeadsWith("idxs", () -> cuda.boxes().batchedNms(b, s, idxF, 0.5f));
            assertMessageLeadsWith("boxes", () -> cuda.boxes().nms(Tensor.zeros(DType.F32, 3, 4), s, 0.5f));
            assertMessageLeadsWith("idxs", () -> cuda.boxes().batchedNms(b, s, Tensor.zeros(DType.I64, 3), 0.5f));
        }
    }

    /** Random boxes, some of them duplicated, zero-area, inverted or tiny. */
    static Tensor boxesWithDegenerates(RandomTensors r, int n) {
        Tensor t = r.boxes(n, 400, 300, 1);
        float[] b = t.floats();
        for (int i = 0; i < n; i++) {
            int kind = r.random().nextInt(40);
            if (kind == 0 && i > 0) {
                System.arraycopy(b, 4 * (i - 1), b, 4 * i, 4);
            } else if (kind == 1) {
                b[4 * i + 2] = b[4 * i];
            } else if (kind == 2) {
                float x = b[4 * i];
                b[4 * i] = b[4 * i + 2];
                b[4 * i + 2] = x;
            }
        }
        return t;
    }

    static Tensor quantized(RandomTensors r, int n, int levels) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.random().nextInt(levels) / (float) levels;
        }
        return Tensor.ofFloats(s, n);
    }

    private static int[] expectedOrder(float[] s) {
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < s.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Float.compare(s[j] == 0f ? 0f : s[j], s[i] == 0f ? 0f : s[i]));
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static void assertArrayEqualsStable(String what, int[] expected, int[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionError(what + ": position " + i + " expected index " + expected[i] + " but was "
                        + actual[i]);
            }
        }
    }
}
