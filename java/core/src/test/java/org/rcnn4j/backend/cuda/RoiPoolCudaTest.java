package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.RoiPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.RoiTestData;
import org.rcnn4j.testing.TensorAssert;

/** roi_pool on the CUDA backend (a GPU or the emulator) against the CPU backend, on fresh random inputs. */
class RoiPoolCudaTest {
    private final Backend cpu = new CpuBackend();

    /** (dtype, outputHeight, outputWidth, spatialScale, ties, channels). */
    static Stream<Object[]> configs() {
        return Stream.of(
                new Object[] {DType.F32, 7, 7, 0.25f, false, 21},
                new Object[] {DType.F32, 3, 5, 1f / 16, false, 3},
                new Object[] {DType.F32, 4, 3, 0.5f, true, 4},
                new Object[] {DType.F32, 2, 6, 1f, false, 2},
                new Object[] {DType.F64, 3, 4, 0.25f, false, 3},
                new Object[] {DType.F64, 5, 2, 0.5f, true, 2});
    }

    @ParameterizedTest(name = "{0} {1}x{2} scale={3} ties={4} C={5}")
    @MethodSource("configs")
    void forwardAndBackwardMatchTheCpu(DType dtype, int ph, int pw, float scale, boolean ties, int c) {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        String seed = "seed " + rnd.seed();
        int n = 2;
        int h = 6 + rnd.random().nextInt(10);
        int w = 6 + rnd.random().nextInt(10);
        double[] x = RoiTestData.values(rnd.normal(n, c, h, w));
        if (ties) { // few distinct values: the first maximum in row-major order must win on both backends
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.round(x[i]);
            }
        }
        Tensor input = RoiTestData.of(x, dtype, n, c, h, w);
        Tensor boxes = halfCellBoxes(RoiTestData.randomRois(rnd, n, 19, w / scale, h / scale, DType.F64), scale,
                dtype);
        RoiPoolResult expected = cpu.roi().roiPool(input, boxes, ph, pw, scale);
        Tensor argmax;
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                RoiPoolResult r = cuda.roi().roiPool(dIn, dBoxes, ph, pw, scale)) {
            assertEquals(dtype, r.output().dtype());
            assertEquals(DType.I32, r.argmax().dtype());
            argmax = cuda.toHost(r.argmax());
            TensorAssert.assertExact(seed + " argmax", expected.argmax(), argmax);
            TensorAssert.assertExact(seed + " output", expected.output(), cuda.toHost(r.output()));
        }
        Tensor g = RoiTestData.as(rnd.normal(boxes.size(0), c, ph, pw), dtype);
        Tensor expectedGrad = cpu.roi().roiPoolBackward(g, boxes, argmax, input.shape());
        Tensor argmax64 = RoiTestData.as(argmax, DType.I64);
        for (Tensor a : new Tensor[] {argmax, argmax64}) {
            try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes); Tensor dA = cuda.toDevice(a);
                    Tensor grad = cuda.roi().roiPoolBackward(dG, dBoxes, dA, input.shape())) {
                TensorAssert.assertClose(seed + " grad_input (argmax " + a.dtype() + ")", expectedGrad,
                        cuda.toHost(grad), dtype == DType.F64 ? 1e-12 : TensorAssert.GRADIENT);
            }
        }
    }

    /** Through the pointer-level API into a poisoned output (NaN) and argmax (a sentinel): all written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void kernelsWriteEveryOutputElement(DType dtype) {
        CudaDevice device = CudaTestSupport.device();
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 7;
        Tensor input = RoiTestData.as(rnd.normal(n, c, 10, 9), dtype);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 13, 36, 40, dtype);
        RoiPoolResult expected = cpu.roi().roiPool(input, boxes, 4, 5, 0.25f);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor out = CudaTestSupport.poisoned(dtype, 13, c, 4, 5);
                Tensor argmax = Transfers.empty(device, DType.I32, 13, c, 4, 5)) {
            CudaTestSupport.poison(argmax.deviceBuffer(), 0x7eadbeef);
            if (dtype == DType.F32) {
                RoiPoolKernels.forwardF32(device, dIn.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), argmax.deviceBuffer().pointer(), 13, c, 10, 9, n, 4, 5, 0.25f);
            } else {
                RoiPoolKernels.forwardF64(device, dIn.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), argmax.deviceBuffer().pointer(), 13, c, 10, 9, n, 4, 5, 0.25f);
            }
            TensorAssert.assertExact("seed " + rnd.seed() + " argmax", expected.argmax(), cuda.toHost(argmax));
            TensorAssert.assertExact("seed " + rnd.seed() + " output", expected.output(), cuda.toHost(out));
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
        int c = 4;
        Tensor input = RoiTestData.as(rnd.normal(n, c, 6, 7), dtype);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 80, 28, 24, dtype);
        RoiPoolResult fwd = cpu.roi().roiPool(input, boxes, 5, 5, 0.25f);
        Tensor g = RoiTestData.as(rnd.normal(80, c, 5, 5), dtype);
        Tensor expected = cpu.roi().roiPoolBackward(g, boxes, fwd.argmax(), input.shape());
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dA = cuda.toDevice(fwd.argmax())) {
            RoiGradRuns.assertSameBitsEveryRun(cuda, "seed " + rnd.seed(), expected,
                    dtype == DType.F64 ? 1e-10 : TensorAssert.GRADIENT,
                    () -> cuda.roi().roiPoolBackward(dG, dBoxes, dA, input.shape()));
        }
    }

    /** The float-atomic backward (pointer-level API) gives the same gradient up to summation order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void atomicBackwardMatchesTheCpu(DType dtype) {
        CudaDevice device = CudaTestSupport.device();
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        int n = 2;
        int c = 3;
        Tensor input = RoiTestData.as(rnd.normal(n, c, 9, 8), dtype);
        Tensor boxes = RoiTestData.randomRois(rnd, n, 30, 16, 18, dtype);
        RoiPoolResult fwd = cpu.roi().roiPool(input, boxes, 3, 3, 0.5f);
        Tensor g = RoiTestData.as(rnd.normal(30, c, 3, 3), dtype);
        Tensor expected = cpu.roi().roiPoolBackward(g, boxes, fwd.argmax(), input.shape());
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dA = cuda.toDevice(fwd.argmax()); Tensor grad = CudaTestSupport.poisoned(dtype, n, c, 9, 8)) {
            device.memsetZero(grad.deviceBuffer());
            if (dtype == DType.F32) {
                RoiPoolKernels.backwardF32(device, dG.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        dA.deviceBuffer().pointer(), false, grad.deviceBuffer().pointer(), 30, c, 9, 8, n, 3, 3);
            } else {
                RoiPoolKernels.backwardF64(device, dG.deviceBuffer().pointer(), dBoxes.deviceBuffer().pointer(),
                        dA.deviceBuffer().pointer(), false, grad.deviceBuffer().pointer(), 30, c, 9, 8, n, 3, 3);
            }
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expected, cuda.toHost(grad),
                    dtype == DType.F64 ? 1e-12 : TensorAssert.GRADIENT);
        }
    }

    /** inf and NaN in grad_output reach their argmax elements; every other element keeps its finite sum. */
    @Test
    void nonFiniteGradientsPropagate() {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor input = rnd.normal(1, 2, 8, 8);
        Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 0, 3, 3, 0, 4, 4, 7, 7, 0, 0, 0, 7, 7}, 3, 5);
        RoiPoolResult fwd = cpu.roi().roiPool(input, boxes, 2, 2, 1f);
        Tensor g = rnd.normal(3, 2, 2, 2);
        g.floats()[0] = Float.POSITIVE_INFINITY;
        g.floats()[13] = Float.NaN;
        Tensor expected = cpu.roi().roiPoolBackward(g, boxes, fwd.argmax(), input.shape());
        try (Tensor dG = cuda.toDevice(g); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dA = cuda.toDevice(fwd.argmax());
                Tensor grad = cuda.roi().roiPoolBackward(dG, dBoxes, dA, input.shape())) {
            TensorAssert.assertClose("seed " + rnd.seed() + " grad_input", expected, cuda.toHost(grad),
                    TensorAssert.GRADIENT);
        }
    }

    /**
     * A bad batch index (2 of 2 images, NaN) is reported at the backend's next synchronization as the CPU reports
     * it; until then the kernel leaves such a RoI's bins empty and reads no memory outside the input.
     */
    @Test
    void outOfRangeBatchIndexGivesEmptyBinsAndThrowsAtTheNextSync() {
        Backend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor input = rnd.uniform(1f, 2f, 2, 3, 8, 8);
        Tensor boxes = Tensor.ofFloats(new float[] {2, 0, 0, 6, 6, Float.NaN, 0, 0, 6, 6, 1, 0, 0, 6, 6}, 3, 5);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                RoiPoolResult r = cuda.roi().roiPool(dIn, dBoxes, 2, 2, 1f)) {
            // read without the backend's report: what the kernel wrote
            Tensor out = Transfers.toHost(CudaTestSupport.device(), r.output());
            Tensor arg = Transfers.toHost(CudaTestSupport.device(), r.argmax());
            for (int i = 0; i < 2 * 3 * 4; i++) {
                assertEquals(0.0, out.getDouble(i), "output " + i);
                assertEquals(-1, arg.getLong(i), "argmax " + i);
            }
            assertTrue(arg.getLong(2 * 3 * 4) >= 0, "the valid RoI has a maximum");
            org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith("boxes", cuda::synchronize);
            cuda.synchronize(); // reported once
        }
    }

    @Test
    void noRoisGiveEmptyResults() {
        Backend cuda = CudaTestSupport.backend();
        try (Tensor dIn = cuda.toDevice(new RandomTensors(3).normal(1, 2, 4, 4));
                Tensor dBoxes = cuda.toDevice(Tensor.zeros(DType.F32, 0, 5));
                RoiPoolResult r = cuda.roi().roiPool(dIn, dBoxes, 3, 3, 1f);
                Tensor dG = cuda.toDevice(Tensor.zeros(DType.F32, 0, 2, 3, 3));
                Tensor dA = cuda.toDevice(Tensor.zeros(DType.I32, 0, 2, 3, 3));
                Tensor grad = cuda.roi().roiPoolBackward(dG, dBoxes, dA, new int[] {1, 2, 4, 4})) {
            TensorAssert.assertShape("output", r.output(), 0, 2, 3, 3);
            TensorAssert.assertShape("argmax", r.argmax(), 0, 2, 3, 3);
            TensorAssert.assertExact("grad_input", Tensor.zeros(DType.F32, 1, 2, 4, 4), cuda.toHost(grad));
        }
    }

    @Test
    void hostTensorsAndBadShapesAreRejected() {
        Backend cuda = CudaTestSupport.backend();
        Tensor input = new RandomTensors(5).normal(1, 2, 4, 4);
        Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 0, 2, 2}, 1, 5);
        try (Tensor dIn = cuda.toDevice(input); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dG = cuda.toDevice(Tensor.zeros(DType.F32, 1, 2, 2, 2))) {
            assertMessageNames("input", () -> cuda.roi().roiPool(input, dBoxes, 2, 2, 1f));
            assertMessageNames("output_size", () -> cuda.roi().roiPool(dIn, dBoxes, 2, 0, 1f));
            assertMessageNames("argmax", () -> cuda.roi().roiPoolBackward(dG, dBoxes, Tensor.zeros(DType.I32, 1, 2, 2,
                    2), input.shape()));
            assertMessageNames("argmax", () -> cuda.roi().roiPoolBackward(dG, dBoxes, dG, input.shape()));
        }
    }

    /** Boxes moved so that every scaled corner ends in .5 (checks rounding halves away from zero). */
    private static Tensor halfCellBoxes(Tensor boxes, float scale, DType dtype) {
        double[] d = RoiTestData.values(boxes);
        for (int i = 0; i < boxes.size(0); i++) {
            for (int j = 1; j < 5; j++) {
                d[5 * i + j] = (Math.floor(d[5 * i + j] * scale) + 0.5) / scale;
            }
        }
        return RoiTestData.of(d, dtype, boxes.shape());
    }
}
