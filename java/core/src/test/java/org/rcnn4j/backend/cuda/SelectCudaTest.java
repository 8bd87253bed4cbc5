package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.Selection;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * The selection ops (cuda/select.cu) against the CPU backend on fresh random inputs, with NaNs, ties and
 * degenerate boxes; indices exactly. Each op's output block is poisoned before the op runs (see
 * {@link #poisonNext}), so an element a kernel forgot to write shows as NaN or -1.
 */
class SelectCudaTest {
    private final Select cpu = new CpuBackend().select();

    /**
     * The caching allocator hands a freed block of the same size to the next request: fill a few blocks of
     * {@code bytes} with a NaN payload (0x7fc0dead in every word: NaN as F32, a large positive I64, not the -1 of
     * a selection's padding nor the 0xFF of the emulator's fresh memory) and free them, so the op's output (and
     * scratch) of that size starts poisoned.
     */
    private static void poisonNext(long bytes) {
        CudaDevice d = CudaTestSupport.device();
        List<DeviceBuffer> blocks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            DeviceBuffer b = d.allocate(bytes);
            CudaTestSupport.poison(b, 0x7fc0dead);
            blocks.add(b);
        }
        blocks.forEach(DeviceBuffer::close);
    }

    private static Tensor withNaNsAndTies(RandomTensors r, int... shape) {
        Tensor t = r.normal(shape);
        float[] v = t.floats();
        for (int i = 0; i < v.length; i++) {
            int pick = r.random().nextInt(20);
            if (pick == 0) {
                v[i] = Float.NaN;
            } else if (pick < 4) {
                v[i] = Math.round(v[i] * 2) / 2f; // ties (and -0.0 beside 0.0)
            } else if (pick == 4) {
                v[i] = -0.0f;
            }
        }
        return t;
    }

    @Test
    void topKSegmentsMatchesCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int[][] segments = {{7}, {300, 0, 41, 2500}, {3000, 120}};
        for (int[] seg : segments) {
            int a = 0;
            for (int l : seg) {
                a += l;
            }
            for (int k : new int[] {0, 1, 40, 2100}) {
                Tensor values = withNaNsAndTies(r, 2, a);
                Tensor expected = cpu.topKSegments(values, seg, k);
                poisonNext(8L * expected.numel());
                try (Tensor d = cuda.toDevice(values); Tensor got = cuda.select().topKSegments(d, seg, k)) {
                    TensorAssert.assertExact("topk k=" + k + " seed=" + r.seed(), expected, cuda.toHost(got));
                }
            }
        }
    }

    @Test
    void argsortMatchesCpuForFloatsAndInts() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {1, 2000, 5000}) {
            int[] ints = new int[n];
            long[] longs = new long[n];
            for (int i = 0; i < n; i++) {
                ints[i] = r.random().nextInt(9) - 4;
                longs[i] = r.random().nextInt() ;
            }
            for (Tensor values : new Tensor[] {withNaNsAndTies(r, n), Tensor.ofInts(ints, n), Tensor.ofLongs(longs, n)}) {
                poisonNext(8L * n);
                try (Tensor d = cuda.toDevice(values); Tensor got = cuda.select().argsort(d)) {
                    TensorAssert.assertExact("argsort " + values + " seed=" + r.seed(), cpu.argsort(values),
                            cuda.toHost(got));
                }
            }
        }
    }

    @Test
    void gatherRowsMatchesCpuForEveryDtypeWithPadding() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int rows = 57;
        float[] f = r.normal(rows * 5).floats();
        long[] l = new long[rows * 3];
        byte[] b = new byte[rows * 3];
        for (int i = 0; i < l.length; i++) {
            l[i] = r.random().nextLong();
            b[i] = (byte) r.random().nextInt(256);
        }
        long[] index = new long[90];
        int[] index32 = new int[90];
        for (int i = 0; i < index.length; i++) {
            index32[i] = r.random().nextInt(rows + 4) - 2; // some -1, -2, rows, rows+1: zero rows
            index[i] = index32[i];
        }
        for (Tensor values : new Tensor[] {Tensor.ofFloats(f, rows, 5), Tensor.ofLongs(l, rows, 3),
                Tensor.ofBytes(b, rows, 3)}) {
            for (Tensor idx : new Tensor[] {Tensor.ofLongs(index, 90), Tensor.ofInts(index32, 90)}) {
                Tensor expected = cpu.gatherRows(values, idx);
                poisonNext((long) expected.numel() * values.dtype().bytes());
                try (Tensor dv = cuda.toDevice(values); Tensor di = cuda.toDevice(idx);
                        Tensor got = cuda.select().gatherRows(dv, di)) {
                    TensorAssert.assertExact("gather " + values + " by " + idx + " seed=" + r.seed(), expected,
                            cuda.toHost(got));
                }
            }
        }
    }

    @Test
    void sigmoidSoftmaxAndLabelSigmoidMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        Tensor x = r.uniform(-30, 30, 4001);
        x.floats()[5] = Float.NaN;
        poisonNext(4L * 4001);
        try (Tensor d = cuda.toDevice(x); Tensor got = cuda.select().sigmoid(d)) {
            TensorAssert.assertClose("sigmoid seed=" + r.seed(), cpu.sigmoid(x), cuda.toHost(got),
                    TensorAssert.FORWARD);
        }
        Tensor logits = r.uniform(-20, 20, 333, 91);
        logits.floats()[91 * 7 + 3] = Float.NaN;
        poisonNext(4L * logits.numel());
        try (Tensor d = cuda.toDevice(logits); Tensor got = cuda.select().softmaxRows(d)) {
            TensorAssert.assertClose("softmax seed=" + r.seed(), cpu.softmaxRows(logits), cuda.toHost(got),
                    TensorAssert.FORWARD);
        }
        Tensor masks = r.uniform(-12, 12, 23, 5, 14, 14);
        long[] labels = new long[23];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.random().nextInt(5);
        }
        Tensor lab = Tensor.ofLongs(labels, 23);
        poisonNext(4L * 23 * 14 * 14);
        try (Tensor d = cuda.toDevice(masks); Tensor dl = cuda.toDevice(lab);
                Tensor got = cuda.select().labelSigmoid(d, dl)) {
            TensorAssert.assertClose("label sigmoid seed=" + r.seed(), cpu.labelSigmoid(masks, lab),
                    cuda.toHost(got), TensorAssert.FORWARD);
        }
    }

    @Test
    void argmaxRowsMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int[][] shapes = {{1, 1}, {7, 2}, {333, 91}, {1200, 11}};
        for (int[] shape : shapes) {
            Tensor values = withNaNsAndTies(r, shape);
            for (int from : new int[] {0, 1, shape[1] - 1}) {
                if (from >= shape[1]) {
                    continue;
                }
                poisonNext(8L * shape[0]);
                try (Tensor d = cuda.toDevice(values); Tensor got = cuda.select().argmaxRows(d, from)) {
                    TensorAssert.assertExact("argmax rows " + shape[0] + "x" + shape[1] + " from " + from + " seed="
                            + r.seed(), cpu.argmaxRows(values, from), cuda.toHost(got));
                }
            }
        }
        try (Tensor d = cuda.toDevice(r.normal(3, 4))) {
            assertMessageLeadsWith("fromColumn", () -> cuda.select().argmaxRows(d, 4));
        }
    }

    @Test
    void keepMaskAndCompactMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {1, 1023, 1025, 4000}) {
            Tensor boxes = NmsCudaTest.boxesWithDegenerates(r, n);
            Tensor scores = r.uniform(0, 1, n);
            float min = (float) r.random().nextDouble() * 5;
            for (boolean strict : new boolean[] {false, true}) {
                Tensor mask = cpu.keepMask(boxes, scores, min, 0.5f, strict);
                poisonNext(n);
                try (Tensor db = cuda.toDevice(boxes); Tensor ds = cuda.toDevice(scores);
                        Tensor got = cuda.select().keepMask(db, ds, min, 0.5f, strict)) {
                    TensorAssert.assertExact("keep mask n=" + n + " seed=" + r.seed(), mask, cuda.toHost(got));
                }
                Selection expected = cpu.compact(mask);
                poisonNext(8L * n);
                try (Tensor dm = cuda.toDevice(mask); Selection got = cuda.select().compact(dm)) {
                    String what = "compact n=" + n + " seed=" + r.seed();
                    TensorAssert.assertExact(what, expected.indices(), cuda.toHost(got.indices()));
                    TensorAssert.assertExact(what, expected.count(), cuda.toHost(got.count()));
                }
            }
        }
    }

    @Test
    void cappedMaskedBatchedNmsMatchesCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {1, 150, 700, 3000}) {
            Tensor boxes = NmsCudaTest.boxesWithDegenerates(r, n);
            Tensor scores = NmsCudaTest.quantized(r, n, 1 + r.random().nextInt(40));
            long[] labels = new long[n];
            int[] labels32 = new int[n];
            byte[] keep = new byte[n];
            for (int i = 0; i < n; i++) {
                labels32[i] = r.random().nextInt(5);
                labels[i] = labels32[i];
                keep[i] = (byte) (r.random().nextInt(4) == 0 ? 0 : 1);
            }
            Tensor mask = Tensor.ofBytes(keep, n);
            for (Tensor idxs : new Tensor[] {null, Tensor.ofLongs(labels, n), Tensor.ofInts(labels32, n)}) {
                for (Tensor m : new Tensor[] {null, mask}) {
                    for (int maxOut : new int[] {0, 7, 100, n}) {
                        float t = 0.3f + 0.4f * (float) r.random().nextDouble();
                        Selection expected = cpu.batchedNms(boxes, scores, idxs, m, t, maxOut);
                        String what = "nms n=" + n + " idxs=" + idxs + " mask=" + (m != null) + " max=" + maxOut
                                + " seed=" + r.seed();
                        poisonNext(8L * Math.min(n, maxOut));
                        try (Tensor db = cuda.toDevice(boxes); Tensor ds = cuda.toDevice(scores);
                                Tensor di = idxs == null ? null : cuda.toDevice(idxs);
                                Tensor dm = m == null ? null : cuda.toDevice(m);
                                Selection got = cuda.select().batchedNms(db, ds, di, dm, t, maxOut)) {
                            TensorAssert.assertExact(what, expected.indices(), cuda.toHost(got.indices()));
                            TensorAssert.assertExact(what, expected.count(), cuda.toHost(got.count()));
                        }
                    }
                }
            }
        }
    }

    @Test
    void cappedNmsWithoutMaskOrCapIsTorchvisionsBatchedNms() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int n = 900;
        Tensor boxes = NmsCudaTest.boxesWithDegenerates(r, n);
        Tensor scores = NmsCudaTest.quantized(r, n, 30);
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.random().nextInt(3);
        }
        Tensor idxs = Tensor.ofLongs(labels, n);
        long[] expected = new CpuBackend().boxes().batchedNms(boxes, scores, idxs, 0.5f).longs();
        try (Tensor db = cuda.toDevice(boxes); Tensor ds = cuda.toDevice(scores); Tensor di = cuda.toDevice(idxs);
                Selection got = cuda.select().batchedNms(db, ds, di, null, 0.5f, n)) {
            int count = cuda.toHost(got.count()).ints()[0];
            assertEquals(expected.length, count, "kept count seed=" + r.seed());
            long[] idx = cuda.toHost(got.indices()).longs();
            for (int i = 0; i < n; i++) {
                assertEquals(i < count ? expected[i] : -1L, idx[i], "keep[" + i + "] seed=" + r.seed());
            }
        }
    }

    @Test
    void fpnLevelsBincountRoisAndScalingMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        Tensor boxes = r.boxes(3000, 1300, 900, 0);
        boxes.floats()[9] = Float.NaN;
        Tensor levels = cpu.fpnLevels(boxes, 2, 5);
        poisonNext(4L * 3000);
        try (Tensor d = cuda.toDevice(boxes); Tensor got = cuda.select().fpnLevels(d, 2, 5)) {
            TensorAssert.assertExact("fpn levels seed=" + r.seed(), levels, cuda.toHost(got));
        }
        poisonNext(4L * 5);
        try (Tensor d = cuda.toDevice(levels); Tensor got = cuda.select().bincount(d, 5)) {
            TensorAssert.assertExact("bincount seed=" + r.seed(), cpu.bincount(levels, 5), cuda.toHost(got));
        }
        Tensor a = r.boxes(17, 50, 50, 0);
        Tensor b = r.boxes(0, 50, 50, 0);
        Tensor c = r.boxes(40, 50, 50, 0);
        poisonNext(20L * 57);
        try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b); Tensor dc = cuda.toDevice(c);
                Tensor rois = cuda.select().batchRois(List.of(da, db, dc));
                Tensor levels5 = cuda.select().fpnLevels(rois, 2, 5)) {
            Tensor expected = cpu.batchRois(List.of(a, b, c));
            TensorAssert.assertExact("batch rois seed=" + r.seed(), expected, cuda.toHost(rois));
            TensorAssert.assertExact("fpn levels of rois", cpu.fpnLevels(expected, 2, 5), cuda.toHost(levels5));
        }
        poisonNext(16L * 3000);
        try (Tensor d = cuda.toDevice(boxes); Tensor got = cuda.select().scaleBoxes(d, 0.37f, 1.9f)) {
            TensorAssert.assertExact("scale boxes seed=" + r.seed(), cpu.scaleBoxes(boxes, 0.37f, 1.9f),
                    cuda.toHost(got));
        }
    }

    @Test
    void rowsAndCatRowsMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        Tensor a = r.normal(10, 3);
        Tensor b = r.normal(4, 3);
        try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                Tensor cat = cuda.select().catRows(List.of(da, db));
                Tensor view = cuda.select().rows(cat, 8, 5)) {
            Tensor expected = cpu.catRows(List.of(a, b));
            TensorAssert.assertExact("cat seed=" + r.seed(), expected, cuda.toHost(cat));
            TensorAssert.assertExact("rows seed=" + r.seed(), cpu.rows(expected, 8, 5), cuda.toHost(view));
        }
    }

    @Test
    void selectionOpsNeverSynchronize() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        Tensor boxes = NmsCudaTest.boxesWithDegenerates(r, 500);
        Tensor scores = r.uniform(0, 1, 500);
        try (Tensor db = cuda.toDevice(boxes); Tensor ds = cuda.toDevice(scores)) {
            DeviceStats before = cuda.stats();
            try (Tensor mask = cuda.select().keepMask(db, ds, 1f, 0.2f, true);
                    Selection kept = cuda.select().batchedNms(db, ds, null, mask, 0.5f, 50);
                    Tensor picked = cuda.select().gatherRows(db, kept.indices());
                    Tensor top = cuda.select().topKSegments(ds.reshape(1, 500), new int[] {200, 300}, 30)) {
                DeviceStats cost = cuda.stats().minus(before);
                assertEquals(0, cost.syncs(), "selection ops waited for the device: " + cost.format());
                assertEquals(0, cost.toHostBytes(), "selection ops read back: " + cost.format());
                List<Tensor> host = cuda.toHost(List.of(kept.count(), picked, top));
                DeviceStats read = cuda.stats().minus(before);
                assertEquals(1, read.syncs(), "three tensors read together: " + read.format());
                assertEquals(4 + 16 * 50 + 8 * 60, read.toHostBytes(), read.format());
                assertTrue(host.get(0).ints()[0] > 0, "something is kept");
            }
        }
    }

    @Test
    void normAffineMatchesCpuInF32AndF64() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int c = 37;
        Tensor mean = r.normal(c);
        Tensor var = r.uniform(0.01f, 4f, c);
        Tensor w = r.normal(c);
        Tensor bias = r.normal(c);
        for (boolean f64 : new boolean[] {false, true}) {
            Tensor[] in = {mean, var, w, bias};
            if (f64) {
                for (int i = 0; i < in.length; i++) {
                    double[] d = new double[c];
                    for (int j = 0; j < c; j++) {
                        d[j] = in[i].floats()[j] * (1 + 1e-9 * j); // values a float cannot hold
                    }
                    in[i] = Tensor.ofDoubles(d, c);
                }
            }
            for (boolean affine : new boolean[] {false, true}) {
                Tensor wt = affine ? in[2] : null;
                Tensor bt = affine ? in[3] : null;
                Tensor expected = cpu.normAffine(in[0], in[1], wt, bt, 1e-5);
                poisonNext(2L * c * (f64 ? 8 : 4));
                try (Tensor dm = cuda.toDevice(in[0]); Tensor dv = cuda.toDevice(in[1]);
                        Tensor dw = wt == null ? null : cuda.toDevice(wt);
                        Tensor db = bt == null ? null : cuda.toDevice(bt);
                        Tensor got = cuda.select().normAffine(dm, dv, dw, db, 1e-5)) {
                    TensorAssert.assertClose("norm affine f64=" + f64 + " affine=" + affine + " seed=" + r.seed(),
                            expected, cuda.toHost(got), TensorAssert.FORWARD);
                }
            }
        }
    }

    @Test
    void mergeRowsMatchesCpuWithMissingPartsAndUnmatchedRows() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int rows = 83;
        int[] levels = new int[rows];
        for (int i = 0; i < rows; i++) {
            levels[i] = r.random().nextInt(5) - 1; // -1 and 3 (a null part) give zero rows
        }
        Tensor lv = Tensor.ofInts(levels, rows);
        for (boolean f64 : new boolean[] {false, true}) {
            List<Tensor> parts = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                Tensor t = r.normal(rows, 3, 2, 2);
                if (f64) {
                    double[] d = new double[t.numel()];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = t.floats()[i];
                    }
                    t = Tensor.ofDoubles(d, rows, 3, 2, 2);
                }
                parts.add(p == 3 ? null : t);
            }
            Tensor expected = cpu.mergeRows(parts, lv);
            List<Tensor> onDevice = new ArrayList<>();
            for (Tensor p : parts) {
                onDevice.add(p == null ? null : cuda.toDevice(p));
            }
            poisonNext((long) expected.numel() * (f64 ? 8 : 4));
            try (Tensor dl = cuda.toDevice(lv); Tensor got = cuda.select().mergeRows(onDevice, dl)) {
                TensorAssert.assertExact("merge rows f64=" + f64 + " seed=" + r.seed(), expected, cuda.toHost(got));
            } finally {
                onDevice.forEach(t -> {
                    if (t != null) {
                        t.close();
                    }
                });
            }
        }
    }

    @Test
    void badInputsNameTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        for (Select s : new Select[] {cpu, cuda.select()}) {
            Tensor f = Tensor.zeros(DType.F32, 3, 4);
            assertMessageLeadsWith("values", () -> s.topKSegments(Tensor.zeros(DType.I64, 2, 3), new int[] {3}, 1));
            assertMessageLeadsWith("segmentLengths", () -> s.topKSegments(Tensor.zeros(DType.F32, 2, 3),
                    new int[] {2}, 1));
            assertMessageLeadsWith("index", () -> s.gatherRows(f, Tensor.zeros(DType.F32, 2)));
            assertMessageLeadsWith("scores", () -> s.keepMask(f, Tensor.zeros(DType.F32, 2), 0f, 0f, true));
            assertMessageLeadsWith("mask", () -> s.batchedNms(f, Tensor.zeros(DType.F32, 3), null,
                    Tensor.zeros(DType.U8, 2), 0.5f, 3));
            assertMessageLeadsWith("maxOutput", () -> s.batchedNms(f, Tensor.zeros(DType.F32, 3), null, null,
                    0.5f, -1));
            assertMessageLeadsWith("labels", () -> s.labelSigmoid(Tensor.zeros(DType.F32, 2, 3, 1, 1),
                    Tensor.zeros(DType.I64, 3)));
            assertMessageLeadsWith("from", () -> s.rows(f, 2, 2));
            assertMessageLeadsWith("kMin", () -> s.fpnLevels(f, 3, 2));
            assertMessageLeadsWith("var", () -> s.normAffine(Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F32, 2),
                    null, null, 1e-5));
            assertMessageLeadsWith("eps", () -> s.normAffine(Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F32, 3),
                    null, null, 0));
            assertMessageLeadsWith("levels", () -> s.mergeRows(List.of(f), Tensor.zeros(DType.I64, 3)));
            assertMessageLeadsWith("parts[0]", () -> s.mergeRows(List.of(f), Tensor.zeros(DType.I32, 2)));
        }
    }
}
