package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.cuda.kernels.MaskTargetsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** MaskTargets.project on CUDA against the CPU backend, its helper kernels into poisoned outputs, and fixtures. */
class MaskTargetsCudaTest {
    private final Backend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({"U8,I64,3,17,41,36,28", "F32,I32,2,9,30,45,14", "U8,I32,1,5,12,9,7"})
    void matchesCpu(DType maskType, DType indexType, int g, int k, int h, int w, int m) {
        RandomTensors rnd = new RandomTensors();
        Inputs in = randomInputs(rnd, maskType, indexType, g, k, h, w);
        Tensor expected = cpu.maskTargets().project(in.gt, in.proposals, in.matched, m);
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dGt = cuda.toDevice(in.gt); Tensor dProposals = cuda.toDevice(in.proposals);
                Tensor dMatched = cuda.toDevice(in.matched);
                Tensor out = cuda.maskTargets().project(dGt, dProposals, dMatched, m)) {
            TensorAssert.assertClose("mask targets " + maskType + "/" + indexType + ", seed " + rnd.seed(), expected,
                    cuda.toHost(out), TensorAssert.FORWARD);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"u8", "f32", "empty"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("masks_project_" + name);
        int m = (int) f.get("params").longs()[0];
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dGt = cuda.toDevice(f.get("gt_masks")); Tensor dProposals = cuda.toDevice(f.get("proposals"));
                Tensor dMatched = cuda.toDevice(f.get("matched_idxs"));
                Tensor out = cuda.maskTargets().project(dGt, dProposals, dMatched, m)) {
            TensorAssert.assertClose("cuda project " + name, f.get("out"), cuda.toHost(out), TensorAssert.FORWARD);
        }
    }

    @Test
    void helperKernelsWriteEveryElement() {
        RandomTensors rnd = new RandomTensors();
        CudaBackend cuda = CudaTestSupport.backend();
        for (DType indexType : new DType[] {DType.I64, DType.I32}) {
            Inputs in = randomInputs(rnd, DType.U8, indexType, 4, 23, 19, 27);
            int k = in.proposals.size(0);
            try (Tensor dGt = cuda.toDevice(in.gt); Tensor dProposals = cuda.toDevice(in.proposals);
                    Tensor dMatched = cuda.toDevice(in.matched);
                    Tensor rois = CudaTestSupport.poisoned(DType.F32, k, 5);
                    Tensor gtF = CudaTestSupport.poisoned(DType.F32, in.gt.shape())) {
                MaskTargetsKernels.rois(cuda.device(), dMatched.deviceBuffer().pointer(), indexType == DType.I64,
                        dProposals.deviceBuffer().pointer(), rois.deviceBuffer().pointer(), k);
                MaskTargetsKernels.u8ToF32(cuda.device(), dGt.deviceBuffer().pointer(), gtF.deviceBuffer().pointer(),
                        in.gt.numel());
                float[] expectedRois = new float[5 * k];
                for (int i = 0; i < k; i++) {
                    expectedRois[5 * i] = in.matched.getLong(i);
                    System.arraycopy(in.proposals.floats(), 4 * i, expectedRois, 5 * i + 1, 4);
                }
                float[] expectedGt = new float[in.gt.numel()];
                for (int i = 0; i < expectedGt.length; i++) {
                    expectedGt[i] = in.gt.bytes()[i] & 0xff;
                }
                String seed = indexType + ", seed " + rnd.seed();
                TensorAssert.assertExact("rois " + seed, Tensor.ofFloats(expectedRois, k, 5), cuda.toHost(rois));
                TensorAssert.assertExact("gt as float " + seed, Tensor.ofFloats(expectedGt, in.gt.shape()),
                        cuda.toHost(gtF));
            }
        }
    }

    /**
     * Checked on the device (no host sync): an index outside [0,G) throws at the backend's next synchronization,
     * naming matched_idxs as the CPU does; until then it gives an all-zero target, not a fault.
     */
    @Test
    void outOfRangeIndexGivesZeroTargetAndThrowsAtTheNextSync() {
        Inputs in = randomInputs(new RandomTensors(2), DType.U8, DType.I64, 2, 4, 16, 18);
        long[] idx = in.matched.longs();
        idx[1] = 2;
        idx[3] = -1;
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dGt = cuda.toDevice(in.gt); Tensor dProposals = cuda.toDevice(in.proposals);
                Tensor dMatched = cuda.toDevice(in.matched);
                Tensor out = cuda.maskTargets().project(dGt, dProposals, dMatched, 7)) {
            float[] d = Transfers.toHost(CudaTestSupport.device(), out).floats();
            for (int q = 0; q < 49; q++) {
                org.junit.jupiter.api.Assertions.assertEquals(0f, d[49 + q], "index 2 of 2, element " + q);
                org.junit.jupiter.api.Assertions.assertEquals(0f, d[3 * 49 + q], "index -1, element " + q);
            }
            org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith("matched_idxs", () -> cuda.toHost(out));
            cuda.synchronize(); // reported once
        }
    }

    @Test
    void requiresDeviceTensors() {
        CudaBackend cuda = CudaTestSupport.backend();
        Inputs in = randomInputs(new RandomTensors(1), DType.U8, DType.I64, 2, 3, 10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.maskTargets().project(in.gt, in.proposals, in.matched, 28));
        assertTrue(e.getMessage().contains("gt_masks"), e.getMessage());
    }

    private record Inputs(Tensor gt, Tensor proposals, Tensor matched) {
    }

    /** gt masks of random blobs (U8 0/1, or F32 in [0,1)), proposals partly outside the image, random matches. */
    private static Inputs randomInputs(RandomTensors rnd, DType maskType, DType indexType, int g, int k, int h,
            int w) {
        SplittableRandom r = rnd.random();
        Tensor gt;
        if (maskType == DType.U8) {
            byte[] b = new byte[g * h * w];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (r.nextDouble() < 0.5 ? 1 : 0);
            }
            gt = Tensor.ofBytes(b, g, h, w);
        } else {
            gt = rnd.uniform(0f, 1f, g, h, w);
        }
        float[] p = new float[4 * k];
        for (int i = 0; i < k; i++) {
            float xa = (float) (r.nextDouble() * 1.2 - 0.1) * w;
            float xb = (float) (r.nextDouble() * 1.2 - 0.1) * w;
            float ya = (float) (r.nextDouble() * 1.2 - 0.1) * h;
            float yb = (float) (r.nextDouble() * 1.2 - 0.1) * h;
            p[4 * i] = Math.min(xa, xb);
            p[4 * i + 1] = Math.min(ya, yb);
            p[4 * i + 2] = Math.max(xa, xb);
            p[4 * i + 3] = Math.max(ya, yb);
        }
        Tensor matched;
        if (indexType == DType.I64) {
            long[] idx = new long[k];
            for (int i = 0; i < k; i++) {
                idx[i] = r.nextInt(g);
            }
            matched = Tensor.ofLongs(idx, k);
        } else {
            int[] idx = new int[k];
            for (int i = 0; i < k; i++) {
                idx[i] = r.nextInt(g);
            }
            matched = Tensor.ofInts(idx, k);
        }
        return new Inputs(gt, Tensor.ofFloats(p, k, 4), matched);
    }
}
