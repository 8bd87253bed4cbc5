package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/** Many allocations, copies and frees leave the allocator where it started, and the cache bounds growth. */
class CudaBackendLeakTest {

    @Test
    void manyTransfersReturnToTheBaseline() {
        CudaBackend backend = CudaTestSupport.backend();
        long seed = System.nanoTime();
        SplittableRandom r = new SplittableRandom(seed);
        CudaTestSupport.assertNoLeak("transfers (seed " + seed + ")", () -> {
            for (int i = 0; i < 300; i++) {
                int n = 1 + r.nextInt(20_000);
                float[] data = new float[n];
                data[n - 1] = i;
                try (Tensor dev = backend.toDevice(Tensor.ofFloats(data, n));
                        Tensor copy = backend.toDevice(dev);
                        Tensor view = copy.reshape(1, n)) {
                    assertEquals(i, backend.toHost(view).floats()[n - 1]);
                }
            }
        });
    }

    @Test
    void theCacheReusesBlocksInsteadOfGrowing() {
        CudaDevice d = CudaTestSupport.device();
        d.emptyCache();
        long base = d.bytesInUse();
        for (int round = 0; round < 50; round++) {
            List<DeviceBuffer> held = new ArrayList<>();
            for (int k = 1; k <= 8; k++) {
                held.add(d.allocate(k * 100_000L));
            }
            held.forEach(DeviceBuffer::close);
            // one round's worth of blocks, whatever the round
            assertEquals(base, d.bytesInUse());
            long oneRound = 0;
            for (int k = 1; k <= 8; k++) {
                oneRound += d.blockSize(k * 100_000L);
            }
            assertEquals(oneRound, d.bytesCached(), "cached bytes after round " + round);
        }
        long cached = d.bytesCached();
        try (Tensor t = Transfers.empty(d, DType.F32, 25_000)) {
            assertEquals(cached - d.blockSize(100_000), d.bytesCached(), "a 100000-byte request reuses a cached block");
        }
        d.emptyCache();
        assertEquals(0, d.bytesCached());
    }
}
