package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.kernels.PasteMasksKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.PasteMaskInputs;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** paste_masks_in_image: the CUDA kernel against the CPU backend on fresh random inputs, and on the fixtures. */
class PasteMasksCudaTest {
    private final Backend cpu = new CpuBackend();

    /**
     * Random masks and boxes (partly outside, sub-pixel, wholly outside, inverted, non-finite) through the
     * pointer-level kernel into a NaN-poisoned output, so an element the kernel fails to write shows.
     */
    @ParameterizedTest
    @CsvSource({"28,1,37,53,24", "14,0,53,37,17", "14,2,40,61,9", "28,1,130,97,40", "7,3,5,300,6", "1,1,11,13,5"})
    void kernelMatchesCpuIntoPoisonedOutput(int m, int padding, int h, int w, int k) {
        RandomTensors rnd = new RandomTensors();
        Tensor masks = rnd.uniform(-0.5f, 1.5f, k, 1, m, m);
        Tensor boxes = randomBoxes(rnd, k, h, w);
        Tensor expected = cpu.roi().pasteMasks(masks, boxes, h, w, padding);

        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dOut = CudaTestSupport.poisoned(DType.F32, k, 1, h, w)) {
            PasteMasksKernels.paste(cuda.device(), dMasks.deviceBuffer(), dBoxes.deviceBuffer(), dOut.deviceBuffer(),
                    k, m, padding, h, w);
            Tensor actual = cuda.toHost(dOut);
            String what = "paste m=" + m + " padding=" + padding + " " + h + "x" + w + " seed " + rnd.seed();
            TensorAssert.assertNoNaN(what, actual);
            TensorAssert.assertClose(what, expected, actual, TensorAssert.FORWARD);
        }
    }

    @Test
    void backendMatchesCpuWithoutLeaks() {
        RandomTensors rnd = new RandomTensors();
        int k = 12;
        int h = 45;
        int w = 66;
        Tensor masks = rnd.uniform(0f, 1f, k, 1, 28, 28);
        Tensor boxes = randomBoxes(rnd, k, h, w);
        Tensor expected = cpu.roi().pasteMasks(masks, boxes, h, w, 1);
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes)) {
            CudaTestSupport.assertNoLeak("pasteMasks", () -> {
                try (Tensor dOut = cuda.roi().pasteMasks(dMasks, dBoxes, h, w, 1)) {
                    TensorAssert.assertClose("backend paste, seed " + rnd.seed(), expected, cuda.toHost(dOut),
                            TensorAssert.FORWARD);
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"m28_p1", "m14_p0", "m14_p2", "m28_p1_inside", "tiny", "empty"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("masks_paste_" + name);
        long[] p = f.get("params").longs();
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(f.get("masks")); Tensor dBoxes = cuda.toDevice(f.get("boxes"));
                Tensor dOut = cuda.roi().pasteMasks(dMasks, dBoxes, (int) p[0], (int) p[1], (int) p[2])) {
            TensorAssert.assertClose("cuda paste " + name, f.get("out"), cuda.toHost(dOut), TensorAssert.FORWARD);
        }
    }

    @Test
    void emptyShapes() {
        CudaBackend cuda = CudaTestSupport.backend();
        Tensor masks = new RandomTensors(4).uniform(0f, 1f, 2, 1, 14, 14);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor none = cuda.roi().pasteMasks(dMasks, dBoxes, 0, 9, 1);
                Tensor dNoMasks = cuda.toDevice(Tensor.zeros(DType.F32, 0, 1, 14, 14));
                Tensor dNoBoxes = cuda.toDevice(Tensor.zeros(DType.F32, 0, 4));
                Tensor noMasks = cuda.roi().pasteMasks(dNoMasks, dNoBoxes, 7, 9, 1)) {
            TensorAssert.assertShape("0-row image", none, 2, 1, 0, 9);
            TensorAssert.assertShape("K = 0", noMasks, 0, 1, 7, 9);
        }
    }

    @Test
    void badInputNamesTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        Tensor masks = new RandomTensors(5).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes)) {
            assertMessageNames("masks", () -> cuda.roi().pasteMasks(masks, dBoxes, 10, 10, 1));
            assertMessageNames("boxes", () -> cuda.roi().pasteMasks(dMasks, boxes, 10, 10, 1));
            assertMessageNames("masks", () -> cuda.roi().pasteMasks(dMasks.reshape(1, 2, 28, 28), dBoxes, 10, 10, 1));
            assertMessageNames("boxes", () -> cuda.roi().pasteMasks(dMasks, dBoxes.reshape(4, 2), 10, 10, 1));
            assertMessageNames("padding", () -> cuda.roi().pasteMasks(dMasks, dBoxes, 10, 10, -2));
        }
    }

    private static Tensor randomBoxes(RandomTensors rnd, int k, int h, int w) {
        return PasteMaskInputs.boxes(rnd, k, h, w);
    }
}
