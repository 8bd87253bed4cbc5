package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.PasteMasksKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.PasteMaskInputs;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * paste_masks in windows on the device: against the CPU backend on fresh random inputs into a poisoned output, and
 * bit for bit against the device's own full paste there; the device's full paste is zero outside the paste windows.
 */
class PasteMasksWindowsCudaTest {
    private final Backend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({"28,1,37,53,24", "14,0,53,37,17", "14,2,40,61,9", "28,1,130,97,40", "7,3,5,300,6", "1,1,11,13,5"})
    void kernelMatchesCpuAndTheFullPasteIntoPoisonedOutput(int m, int padding, int h, int w, int k) {
        RandomTensors rnd = new RandomTensors();
        Tensor masks = rnd.uniform(-0.5f, 1.5f, k, 1, m, m);
        Tensor boxes = PasteMaskInputs.boxes(rnd, k, h, w);
        int[] windows = PasteMaskInputs.windows(rnd.random(), k, h, w);
        int total = 0;
        long[] offsets = new long[k];
        int widest = 0;
        int tallest = 0;
        for (int i = 0; i < k; i++) {
            offsets[i] = total;
            total += (int) PasteWindows.area(windows, i);
            widest = Math.max(widest, windows[4 * i + 2] - windows[4 * i]);
            tallest = Math.max(tallest, windows[4 * i + 3] - windows[4 * i + 1]);
        }
        Tensor expected = cpu.roi().pasteMasksInWindows(masks, boxes, h, w, padding, windows);
        String what = "windows m=" + m + " padding=" + padding + " " + h + "x" + w + " seed " + rnd.seed();

        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes);
                DeviceBuffer dWindows = cuda.device().allocate(4L * windows.length);
                DeviceBuffer dOffsets = cuda.device().allocate(8L * k);
                Tensor dOut = CudaTestSupport.poisoned(DType.F32, total);
                Tensor dFull = cuda.roi().pasteMasks(dMasks, dBoxes, h, w, padding)) {
            cuda.device().copyHostToDevice(dWindows, windows);
            cuda.device().copyHostToDevice(dOffsets, offsets);
            PasteMasksKernels.pasteInWindows(cuda.device(), dMasks.deviceBuffer(), dBoxes.deviceBuffer(), dWindows,
                    dOffsets, dOut.deviceBuffer(), k, m, padding, h, w, widest, tallest);
            Tensor actual = cuda.toHost(dOut);
            TensorAssert.assertNoNaN(what, actual);
            TensorAssert.assertClose(what, expected, actual, TensorAssert.FORWARD);
            TensorAssert.assertBits(what + " against the device's full paste",
                    PasteMaskInputs.crops(cuda.toHost(dFull), windows), actual);
        }
    }

    /** The device's full paste writes nothing outside the windows PasteWindows derives on the host. */
    @Test
    void devicePasteIsZeroOutsideThePasteWindows() {
        RandomTensors rnd = new RandomTensors();
        int k = 40;
        int h = 61;
        int w = 47;
        Tensor masks = rnd.uniform(0.1f, 1.5f, k, 1, 28, 28);
        Tensor boxes = PasteMaskInputs.boxes(rnd, k, h, w);
        int[] windows = PasteWindows.of(boxes, 28, 1, h, w);
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes);
                Tensor dFull = cuda.roi().pasteMasks(dMasks, dBoxes, h, w, 1)) {
            float[] f = cuda.toHost(dFull).floats();
            for (int i = 0; i < k; i++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        boolean in = x >= windows[4 * i] && x < windows[4 * i + 2] && y >= windows[4 * i + 1]
                                && y < windows[4 * i + 3];
                        if (!in) {
                            assertEquals(0, Float.floatToRawIntBits(f[(i * h + y) * w + x]), "mask " + i + " pixel ("
                                    + x + ", " + y + ") outside its window, seed " + rnd.seed());
                        }
                    }
                }
            }
        }
    }

    @Test
    void backendMatchesCpuWithoutLeaks() {
        RandomTensors rnd = new RandomTensors();
        int k = 12;
        int h = 45;
        int w = 66;
        Tensor masks = rnd.uniform(0f, 1f, k, 1, 28, 28);
        Tensor boxes = PasteMaskInputs.boxes(rnd, k, h, w);
        int[] windows = PasteWindows.of(boxes, 28, 1, h, w);
        Tensor expected = cpu.roi().pasteMasksInWindows(masks, boxes, h, w, 1, windows);
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes)) {
            CudaTestSupport.assertNoLeak("pasteMasksInWindows", () -> {
                try (Tensor dOut = cuda.roi().pasteMasksInWindows(dMasks, dBoxes, h, w, 1, windows);
                        Tensor none = cuda.roi().pasteMasksInWindows(dMasks, dBoxes, h, w, 1, new int[4 * k])) {
                    TensorAssert.assertClose("backend windows, seed " + rnd.seed(), expected, cuda.toHost(dOut),
                            TensorAssert.FORWARD);
                    TensorAssert.assertShape("empty windows", none, 0);
                }
            });
        }
    }

    @Test
    void badInputNamesTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        Tensor masks = new RandomTensors(5).uniform(0f, 1f, 2, 1, 28, 28);
        Tensor boxes = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        try (Tensor dMasks = cuda.toDevice(masks); Tensor dBoxes = cuda.toDevice(boxes)) {
            assertMessageNames("masks", () -> cuda.roi().pasteMasksInWindows(masks, dBoxes, 10, 10, 1, new int[8]));
            assertMessageNames("boxes", () -> cuda.roi().pasteMasksInWindows(dMasks, boxes, 10, 10, 1, new int[8]));
            assertMessageNames("windows", () -> cuda.roi().pasteMasksInWindows(dMasks, dBoxes, 10, 10, 1,
                    new int[] {0, 0, 11, 1, 0, 0, 1, 1}));
        }
    }
}
