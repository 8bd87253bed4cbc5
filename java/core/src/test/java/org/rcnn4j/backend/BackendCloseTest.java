package org.rcnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * Backend.close(): on CUDA it frees every device tensor the backend made that is still open and the pool's cached
 * blocks (the backend's live count and the device's allocated bytes return to where they were); on both backends
 * every later use throws IllegalStateException naming the backend.
 */
class BackendCloseTest {

    /** A backend of its own (closing it leaves the shared test backend alone): "cpu" or the CUDA tests' kind. */
    static Backend fresh(String kind) {
        if (kind.equals("cpu")) {
            return new CpuBackend();
        }
        return new CudaBackend(CudaTestSupport.device().shared());
    }

    /** Each way in to a backend that must fail once it is closed. */
    private static List<Consumer<Backend>> uses(Tensor host) {
        List<Consumer<Backend>> uses = new ArrayList<>();
        uses.add(b -> b.toDevice(host));
        uses.add(b -> b.toHost(host));
        uses.add(b -> b.toHost(List.of(host)));
        uses.add(Backend::synchronize);
        uses.add(Backend::boxes);
        uses.add(Backend::roi);
        uses.add(Backend::conv);
        uses.add(Backend::channels);
        uses.add(Backend::linalg);
        uses.add(Backend::elementwise);
        uses.add(Backend::reduce);
        uses.add(Backend::gather);
        uses.add(Backend::losses);
        uses.add(Backend::maxPool);
        uses.add(Backend::avgPool);
        uses.add(Backend::maskTargets);
        uses.add(Backend::convert);
        uses.add(Backend::select);
        return uses;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyUseOfAClosedBackendThrowsNamingIt(String kind) {
        Backend b = fresh(kind);
        Tensor host = new RandomTensors().normal(3, 4);
        try (Tensor d = b.toDevice(host); Tensor r = b.elementwise().relu(d)) {
            assertEquals(12, b.toHost(r).numel());
        }
        String name = b.name();
        b.close();
        b.close(); // idempotent
        List<Consumer<Backend>> uses = uses(host);
        for (int i = 0; i < uses.size(); i++) {
            Consumer<Backend> use = uses.get(i);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> use.accept(b), "use " + i);
            assertTrue(e.getMessage().contains("the " + name + " backend is closed"), "use " + i + ": "
                    + e.getMessage());
        }
        // what a closed backend still answers
        assertEquals(name, b.name());
        b.stats();
    }

    @Test
    void closingFreesEveryDeviceTensorItMade() {
        CudaDevice shared = CudaTestSupport.device().shared();
        RandomTensors rnd = new RandomTensors();
        // the device's pinned staging blocks for uploads are process-wide and made on first use: make them now
        CudaTestSupport.backend().toDevice(rnd.normal(64, 33)).close();
        shared.emptyCache();
        long allocatedBefore = allocatedOnDevice();
        long inUseBefore = shared.bytesInUse();
        CudaBackend b = new CudaBackend(shared);
        Tensor x = b.toDevice(rnd.normal(64, 33));
        Tensor y = b.elementwise().relu(x);
        Tensor view = y.reshape(33, 64);
        Tensor[] more = {b.gather().indexSelect(x, b.toDevice(Tensor.ofLongs(new long[] {3, 1}, 2))),
            b.convert().to(x, DType.F64)};
        DeviceStats open = b.stats();
        assertEquals(5, open.liveTensors(), open.formatMemory()); // x, y, the uploaded index and two results
        assertEquals(shared.blockSize(64 * 33 * 4) * 2 + shared.blockSize(16) + shared.blockSize(2 * 33 * 4)
                + shared.blockSize(64 * 33 * 8), open.liveBytes(), open.formatMemory());
        if (shared.isEmulated()) {
            assertTrue(allocatedOnDevice() > allocatedBefore, "the tensors hold device memory");
        }

        b.close();
        DeviceStats closed = b.stats();
        assertEquals(0, closed.liveTensors(), closed.formatMemory());
        assertEquals(0, closed.liveBytes(), closed.formatMemory());
        assertEquals(inUseBefore, shared.bytesInUse(), "the pool's blocks in use");
        assertEquals(0, shared.bytesCached(), "the pool's cache is emptied");
        if (shared.isEmulated()) {
            // a GPU's free memory also moves with other processes
            assertEquals(allocatedBefore, allocatedOnDevice(), "device bytes allocated from the emulated driver");
        }
        // the tensors of a closed backend fail at once, naming it, wherever they are used
        for (Tensor t : new Tensor[] {x, y, view, more[0], more[1]}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.deviceBuffer().pointer());
            assertTrue(e.getMessage().contains("the " + b.name() + " backend was closed"), e.getMessage());
        }
        CudaBackend other = CudaTestSupport.backend();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.toHost(y));
        assertTrue(e.getMessage().contains("backend was closed"), e.getMessage());
        // closing them now does nothing (they were freed once, by the backend)
        long inUse = shared.bytesInUse();
        x.close();
        view.close();
        y.close();
        assertEquals(inUse, shared.bytesInUse(), "no second free");
    }

    @Test
    void anotherBackendOnTheDeviceIsUntouched() {
        CudaDevice shared = CudaTestSupport.device().shared();
        CudaBackend keep = new CudaBackend(shared);
        CudaBackend drop = new CudaBackend(shared);
        Tensor host = new RandomTensors().normal(5, 7);
        try (Tensor kept = keep.toDevice(host)) {
            drop.toDevice(host);
            drop.close();
            org.junit.jupiter.api.Assertions.assertArrayEquals(host.floats(), keep.toHost(kept).floats());
            try (Tensor r = keep.elementwise().relu(kept)) {
                assertEquals(35, keep.toHost(r).numel());
            }
        } finally {
            keep.close();
        }
    }

    /** Bytes the driver (the emulator, or a GPU's whole context) has allocated: total less free. */
    private static long allocatedOnDevice() {
        long[] free = new long[1];
        long[] total = new long[1];
        CudaTestSupport.device().shared().makeCurrent();
        assertEquals(0, JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return total[0] - free[0];
    }
}
