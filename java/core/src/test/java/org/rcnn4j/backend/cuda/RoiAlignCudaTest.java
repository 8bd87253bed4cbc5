package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.RoiAlignKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/** roi_align on the CUDA backend (a GPU or the emulator) against the CPU backend, on fresh random inputs. */
class RoiAlignCudaTest {
    private final Backend cpu = new CpuBackend();

    /** (dtype, outputHeight, outputWidth, spatialScale, samplingRatio, aligned, channels). */
    static Stream<Object[]> configs() {
        return Stream.of(
                new Object[] {DType.F32, 7, 7, 0.25f, 2, false, 45},
                new Object[] {DType.F32, 7, 7, 1f / 16, 2, true, 3},
                new Object[] {DType.F32, 3, 5, 0.25f, 0, true, 4},
                new Object[] {DType.F32, 5, 3, 0.5f, -1, false, 2},
                new Object[] {DType.F32, 14, 14, 0.25f, 2, false, 6},
                new Object[] {DType.F32, 2, 4, 1f, 3, true, 5},
                new Object[] {DType.F64, 4, 3, 0.25f, 2, false, 3},
                new Object[] {DType.F64, 3, 4, 0.5f, 0, true, 3});
    }

    @ParameterizedTest(name = "{0} {1}x{2} scale={3} sr={4} aligned={5} C={6}")
    @MethodSource("configs")
    void forwardAndBackwardMatchTheCpu(DType dtype, int ph, int pw, float scale, int sr, boolean aligned, int c) {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        String seed = "seed " + rnd.seed();
        int n = 2;
        int h = 7 + rnd.random().nextInt(10);
        int w = 7 + rnd.random().nextInt(10);
        Tensor input = RoiTestData.as(rnd.normal(n, c, h, w), dtype);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 17, w / scale, h / scale, dtype);
        Tensor expected = cpu.roi().roiAlign(input, boxes, ph, pw, scale, sr, aligned);
        double forwardTol = dtype == DType.F64 ? 1e-12 : TensorAssert.FORWARD;
        double gradTol = dtype == DType.F64 ? 1e-10 : TensorAssert.GRADIENT;
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dOut = cuda.roi().roiAlign(dIn, dBoxes, ph, pw, scale, sr, aligned)) {
            assertEquals(dtype, dOut.dtype());
            TensorAssert.assertClose(seed + " output", expected, cuda.toHost(dOut), forwardTol);
        }
        Tensor g = RoiTestData.as(rnd.normal(boxes.size(0), c, ph, pw), dtype);
        Tensor expectedGrad = cpu.roi().roiAlignBackward(g, boxes, input.shape(), scale, sr, aligned);
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dGrad = cuda.roi().roiAlignBackward(dG, dBoxes, input.shape(), scale, sr, aligned)) {
            TensorAssert.assertClose(seed + " grad_input", expectedGrad, cuda.toHost(dGrad), gradTol);
        }
    }

    /** Through the pointer-level API into a NaN-poisoned output: every element must be written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void kernelsWriteEveryOutputElement(DType dtype) {
        CudaDevice device = CudaTestSupport.device();
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int n = 3;
        int c = 23;
        Tensor input = RoiTestData.as(rnd.normal(n, c, 9, 12), dtype);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 11, 48, 36, dtype);
        Tensor expected = cpu.roi().roiAlign(input, boxes, 6, 5, 0.25f, 0, false);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor out = CudaTestSupport.poisoned(dtype, 11, c, 6, 5)) {
            if (dtype == DType.F32) {
                RoiAlignKernels.forwardF32(device, dIn.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), 11, c, 9, 12, n, 6, 5, 0.25f, 0, false);
            } else {
                RoiAlignKernels.forwardF64(device, dIn.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), 11, c, 9, 12, n, 6, 5, 0.25f, 0, false);
            }
            Tensor host = cuda.toHost(out);
            TensorAssert.assertNoNaN("seed " + rnd.seed() + " output", host);
            TensorAssert.assertClose("seed " + rnd.seed() + " output", expected, host,
                    dtype == DType.F64 ? 1e-12 : TensorAssert.FORWARD);
        }
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.F32, DType.F64);
    }

    /** The default backward sums in fixed point: many overlapping RoIs, the same bits on every run. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void deterministicBackwardGivesTheSameBitsEveryRun(DType dtype) {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 5;
        Tensor boxes = RoiTestData.randomRois(rnd, n, 96, 40, 32, dtype);
        Tensor g = RoiTestData.as(rnd.normal(96, c, 7, 7), dtype);
        int[] shape = {n, c, 8, 10};
        Tensor expected = cpu.roi().roiAlignBackward(g, boxes, shape, 0.25f, 2, false);
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes)) {
            RoiGradRuns.assertSameBitsEveryRun(cuda, "seed " + rnd.seed(), expected,
                    dtype == DType.F64 ? 1e-10 : TensorAssert.GRADIENT,
                    () -> cuda.roi().roiAlignBackward(dG, dBoxes, shape, 0.25f, 2, false));
        }
    }

    /** The fixed-point scale follows max |grad_output|: tiny and huge gradients keep their precision. */
    @ParameterizedTest(name = "magnitude {0}")
    @MethodSource("magnitudes")
    void deterministicBackwardScalesWithTheGradient(double magnitude) {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor boxes = RoiTestData.randomRois(rnd, 1, 12, 32, 32, DType.F32);
        double[] gv = RoiTestData.values(rnd.normal(12, 2, 3, 3));
        for (int i = 0; i < gv.length; i++) {
            gv[i] *= magnitude;
        }
        Tensor g = RoiTestData.of(gv, DType.F32, 12, 2, 3, 3);
        int[] shape = {1, 2, 8, 8};
        Tensor expected = cpu.roi().roiAlignBackward(g, boxes, shape, 0.25f, 2, true);
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor grad = cuda.roi().roiAlignBackward(dG, dBoxes, shape, 0.25f, 2, true)) {
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expected, cuda.toHost(grad),
                    TensorAssert.GRADIENT);
        }
    }

    static Stream<Double> magnitudes() {
        return Stream.of(1e-30, 1e-3, 1e30);
    }

    /** The float-atomic backward (pointer-level API) gives the same gradient up to summation order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void atomicBackwardMatchesTheCpu(DType dtype) {
        CudaDevice device = CudaTestSupport.device();
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 6;
        Tensor boxes = RoiTestData.randomRois(rnd, n, 40, 48, 40, dtype);
        Tensor g = RoiTestData.as(rnd.normal(40, c, 3, 4), dtype);
        int[] shape = {n, c, 10, 12};
        Tensor expected = cpu.roi().roiAlignBackward(g, boxes, shape, 0.25f, 0, true);
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor grad = CudaTestSupport.poisoned(dtype, shape)) {
            device.memsetZero(grad.deviceBuffer());
            if (dtype == DType.F32) {
                RoiAlignKernels.backwardF32(device, dG.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        grad.deviceBuffer().pointer(), 40, c, 10, 12, n, 3, 4, 0.25f, 0, true);
            } else {
                RoiAlignKernels.backwardF64(device, dG.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        grad.deviceBuffer().pointer(), 40, c, 10, 12, n, 3, 4, 0.25f, 0, true);
            }
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expected, cuda.toHost(grad),
                    dtype == DType.F64 ? 1e-10 : TensorAssert.GRADIENT);
        }
    }

    /** The deterministic backward writes every element of a poisoned gradient buffer. */
    @Test
    void deterministicBackwardWritesEveryElement() {
        CudaDevice device = CudaTestSupport.device();
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor boxes = RoiTestData.randomRois(rnd, 3, 9, 20, 20, DType.F32);
        Tensor g = rnd.normal(9, 2, 2, 2);
        Tensor expected = cpu.roi().roiAlignBackward(g, boxes, new int[] {3, 2, 5, 5}, 0.25f, 2, false);
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor grad = CudaTestSupport.poisoned(DType.F32, 3, 2, 5, 5)) {
            RoiAlignKernels.backwardDeterministicF32(device, dG.deviceBuffer().pointer(),
                    dBoxes.deviceBuffer().pointer(), grad.deviceBuffer().pointer(), 9, 2, 5, 5, 3, 2, 2, 0.25f, 2,
                    false);
            Tensor host = cuda.toHost(grad);
            TensorAssert.assertNoNaN("seed " + rnd.seed() + " grad_input", host);
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expected, host, TensorAssert.GRADIENT);
        }
    }

    /** Adaptive grids too large for the shared tap table take the on-the-fly path, with the same results. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void hugeAdaptiveGridsMatchTheCpu(DType dtype) {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int h = 620;
        int w = 640;
        Tensor input = RoiTestData.as(rnd.uniform(-1f, 1f, 1, 1, h, w), dtype);
        // 600 x 610 cells: grids of 200 x 305 samples, 1210 taps, more than a 16 KB table holds
        Tensor boxes = RoiTestData.of(new double[] {0, 5.5, 3.25, 615.5, 603.25, 0, 20, 10, 630, 615}, dtype, 2, 5);
        Tensor expected = cpu.roi().roiAlign(input, boxes, 3, 2, 1f, 0, false);
        Tensor g = RoiTestData.as(rnd.normal(2, 1, 3, 2), dtype);
        Tensor expectedGrad = cpu.roi().roiAlignBackward(g, boxes, input.shape(), 1f, 0, false);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes); Tensor dG = cuda.toDevice(g);
                Tensor out = cuda.roi().roiAlign(dIn, dBoxes, 3, 2, 1f, 0, false);
                Tensor grad = cuda.roi().roiAlignBackward(dG, dBoxes, input.shape(), 1f, 0, false)) {
            TensorAssert.assertClose("seed " + rnd.seed() + " output", expected, cuda.toHost(out),
                    dtype == DType.F64 ? 1e-12 : TensorAssert.FORWARD);
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expectedGrad, cuda.toHost(grad),
                    dtype == DType.F64 ? 1e-10 : TensorAssert.GRADIENT);
        }
    }

    /**
     * A bad batch index (2 of 2 images, -1, NaN) is reported at the backend's next synchronization as the CPU
     * reports it; until then such a RoI pools to 0 and contributes no gradient (no read outside the input).
     */
    @Test
    void outOfRangeBatchIndexPoolsToZeroAndThrowsAtTheNextSync() {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor input = rnd.uniform(1f, 2f, 2, 3, 8, 8);
        Tensor boxes = Tensor.ofFloats(
                new float[] {2, 0, 0, 6, 6, -1, 0, 0, 6, 6, Float.NaN, 0, 0, 6, 6, 1, 0, 0, 6, 6}, 4, 5);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor out = cuda.roi().roiAlign(dIn, dBoxes, 2, 2, 1f, 2, false);
                Tensor dG = cuda.toDevice(rnd.uniform(1f, 2f, 4, 3, 2, 2));
                Tensor grad = cuda.roi().roiAlignBackward(dG, dBoxes, input.shape(), 1f, 2, false)) {
            // read without the backend's report: what the kernels wrote
            Tensor host = Transfers.toHost(CudaTestSupport.device(), out);
            for (int i = 0; i < 3 * 3 * 4; i++) {
                assertEquals(0.0, host.getDouble(i), "element " + i + " of a RoI with a bad batch index");
            }
            assertTrue(host.getDouble(3 * 3 * 4) >= 1.0, "the valid RoI pools its image");
            Tensor g = Transfers.toHost(CudaTestSupport.device(), grad);
            for (int i = 0; i < 3 * 64; i++) {
                assertEquals(0.0, g.getDouble(i), "image 0 gets no gradient from bad RoIs (element " + i + ")");
            }
            org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith("boxes", () -> cuda.toHost(out));
            cuda.synchronize(); // reported once
        }
    }

    @Test
    void noRoisGiveEmptyResults() {
        Backend cuda = CudaTestSupport.backend();
        try (Tensor dIn = cuda.toDevice(new RandomTensors(3).normal(1, 2, 4, 4));
                Tensor dBoxes = cuda.toDevice(Tensor.zeros(DType.F32, 0, 5));
                Tensor out = cuda.roi().roiAlign(dIn, dBoxes, 3, 3, 1f, 2, false);
                Tensor dG = cuda.toDevice(Tensor.zeros(DType.F32, 0, 2, 3, 3));
                Tensor grad = cuda.roi().roiAlignBackward(dG, dBoxes, new int[] {1, 2, 4, 4}, 1f, 2, false)) {
            TensorAssert.assertShape("output", out, 0, 2, 3, 3);
            TensorAssert.assertExact("grad_input", Tensor.zeros(DType.F32, 1, 2, 4, 4), cuda.toHost(grad));
        }
    }

    @Test
    void hostTensorsAndBadShapesAreRejected() {
        Backend cuda = CudaTestSupport.backend();
        Tensor input = new RandomTensors(5).normal(1, 2, 4, 4);
        Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 0, 2, 2}, 1, 5);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dG = cuda.toDevice(Tensor.zeros(DType.F32, 1, 3, 2, 2))) {
            assertMessageNames("input", () -> cuda.roi().roiAlign(input, dBoxes, 2, 2, 1f, 2, false));
            assertMessageNames("boxes", () -> cuda.roi().roiAlign(dIn, boxes, 2, 2, 1f, 2, false));
            assertMessageNames("output_size", () -> cuda.roi().roiAlign(dIn, dBoxes, 0, 2, 1f, 2, false));
            assertMessageNames("grad_output", () -> cuda.roi().roiAlignBackward(dG, dBoxes, input.shape(), 1f, 2,
                    false));
            assertMessageNames("grad_output", () -> cuda.roi().roiAlignBackward(Tensor.zeros(DType.F32, 1, 2, 2, 2),
                    dBoxes, input.shape(), 1f, 2, false));
        }
    }
}
