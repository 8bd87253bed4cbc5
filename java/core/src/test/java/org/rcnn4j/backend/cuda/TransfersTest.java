package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

class TransfersTest {
    private final RandomTensors rt = new RandomTensors();

    private Tensor random(DType dtype, int... shape) {
        SplittableRandom r = rt.random();
        Tensor t = Tensor.zeros(dtype, shape);
        int n = t.numel();
        switch (dtype) {
            case F32 -> {
                float[] d = t.floats();
                for (int i = 0; i < n; i++) {
                    d[i] = (float) r.nextDouble(-100, 100);
                }
            }
            case F64 -> {
                double[] d = t.doubles();
                for (int i = 0; i < n; i++) {
                    d[i] = r.nextDouble(-1e6, 1e6);
                }
            }
            case I64 -> {
                long[] d = t.longs();
                for (int i = 0; i < n; i++) {
                    d[i] = r.nextLong();
                }
            }
            case I32 -> {
                int[] d = t.ints();
                for (int i = 0; i < n; i++) {
                    d[i] = r.nextInt();
                }
            }
            case U8 -> {
                byte[] d = t.bytes();
                for (int i = 0; i < n; i++) {
                    d[i] = (byte) r.nextInt(256);
                }
            }
        }
        return t;
    }

    @Test
    void everyDtypeRoundTrips() {
        CudaBackend backend = CudaTestSupport.backend();
        for (DType dtype : DType.values()) {
            int[] shape = {1 + rt.random().nextInt(4), 1 + rt.random().nextInt(50), 3};
            Tensor host = random(dtype, shape);
            try (Tensor dev = backend.toDevice(host)) {
                assertTrue(dev.isDevice());
                assertEquals(dtype, dev.dtype());
                assertArrayEquals(shape, dev.shape());
                Tensor back = backend.toHost(dev);
                assertTrue(back.isHost());
                TensorAssert.assertExact(dtype + " round trip (seed " + rt.seed() + ")", host, back);
            }
        }
    }

    @Test
    void emptyTensorsRoundTrip() {
        CudaBackend backend = CudaTestSupport.backend();
        Tensor host = Tensor.zeros(DType.F32, 0, 4);
        try (Tensor dev = backend.toDevice(host)) {
            Tensor back = backend.toHost(dev);
            assertArrayEquals(new int[] {0, 4}, back.shape());
            assertEquals(0, back.numel());
        }
    }

    @Test
    void deviceTensorsAreCopiedOnTheDeviceAndHostTensorsPassThroughToHost() {
        CudaBackend backend = CudaTestSupport.backend();
        Tensor host = random(DType.F64, 7, 5);
        assertSame(host, backend.toHost(host));
        try (Tensor a = backend.toDevice(host); Tensor b = backend.toDevice(a)) {
            assertNotSame(a.deviceBuffer().pointer(), b.deviceBuffer().pointer());
            a.close(); // the copy owns its own memory
            TensorAssert.assertExact("device copy (seed " + rt.seed() + ")", host, backend.toHost(b));
        }
    }

    @Test
    void reshapedDeviceTensorsShareMemoryWithoutOwningIt() {
        CudaBackend backend = CudaTestSupport.backend();
        CudaDevice d = backend.device();
        Tensor host = random(DType.I32, 6, 4);
        long before = d.bytesInUse();
        Tensor dev = backend.toDevice(host);
        Tensor flat = dev.reshape(24);
        flat.close(); // a view: the memory stays
        TensorAssert.assertExact("reshaped view (seed " + rt.seed() + ")", host.reshape(24), backend.toHost(flat));
        dev.close();
        assertEquals(before, d.bytesInUse());
        assertThrows(IllegalStateException.class, () -> backend.toHost(flat));
    }

    @Test
    void emptyGivesAnOwnedUninitializedTensor() {
        CudaDevice d = CudaTestSupport.device();
        CudaTestSupport.assertNoLeak("empty + close", () -> {
            try (Tensor t = Transfers.empty(d, DType.I64, 3, 2)) {
                assertEquals(48, t.deviceBuffer().byteSize());
                CudaTestSupport.poison(t);
                long[] out = Transfers.toHost(d, t).longs();
                for (long v : out) {
                    assertEquals(-1L, v);
                }
            }
        });
    }

    @Test
    void zerosAreZeroEvenInReusedBlocks() {
        CudaDevice d = CudaTestSupport.device();
        CudaTestSupport.poisoned(DType.F64, 5, 7).close(); // leaves a poisoned block of this size in the cache
        try (Tensor z = Transfers.zeros(d, DType.F64, 5, 7)) {
            for (double v : Transfers.toHost(d, z).doubles()) {
                assertEquals(0.0, v);
            }
        }
        try (var b = d.allocateZeroed(12)) {
            int[] out = {1, 2, 3};
            d.copyDeviceToHost(out, b);
            assertArrayEquals(new int[3], out);
        }
    }
}
