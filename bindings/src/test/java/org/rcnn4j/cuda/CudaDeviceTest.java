package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CudaDeviceTest {
    private final long seed = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom(seed);

    @Test
    void openReturnsTheProcessWideDeviceAndDescribesIt() {
        CudaDevice d = TestDevice.get();
        assertSame(d, CudaDevice.open(d.isEmulated(), 0));
        assertFalse(d.name().isBlank());
        assertTrue(d.computeCapabilityMajor() > 0, d.toString());
        assertTrue(d.multiprocessorCount() > 0, d.toString());
        assertTrue(d.toString().contains(d.name()));
    }

    @Test
    void theOtherLibcudaCannotBeOpenedInTheSameJvm() {
        CudaDevice d = TestDevice.get();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaDevice.open(!d.isEmulated(), 0));
        assertTrue(e.getMessage().contains("one libcuda"), e.getMessage());
    }

    @Test
    void aMissingDeviceOrdinalIsReported() {
        CudaDevice d = TestDevice.get();
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaDevice.open(d.isEmulated(), 4096));
        assertTrue(e.getMessage().contains("no CUDA device 4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaDevice.open(d.isEmulated(), -1));
    }

    @Test
    void everyArrayTypeRoundTrips() {
        CudaDevice d = TestDevice.get();
        int n = 1 + random.nextInt(5000);
        float[] f = new float[n];
        double[] g = new double[n];
        long[] l = new long[n];
        int[] i = new int[n];
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            f[k] = (float) random.nextDouble(-1e3, 1e3);
            g[k] = random.nextDouble(-1e9, 1e9);
            l[k] = random.nextLong();
            i[k] = random.nextInt();
            b[k] = (byte) random.nextInt(256);
        }
        for (Object host : new Object[] {f, g, l, i, b}) {
            Object back = roundTrip(d, host);
            assertTrue(Arrays.deepEquals(new Object[] {host}, new Object[] {back}),
                    host.getClass().getSimpleName() + " round trip (seed " + seed + ")");
        }
    }

    private static Object roundTrip(CudaDevice d, Object host) {
        int length = java.lang.reflect.Array.getLength(host);
        int elem = HostArrays.elementBytes(host);
        Object back = java.lang.reflect.Array.newInstance(host.getClass().getComponentType(), length);
        try (DeviceBuffer buf = d.allocate((long) length * elem)) {
            d.copyHostToDevice(buf, host);
            d.copyDeviceToHost(back, buf);
        }
        return back;
    }

    @Test
    void offsetsAndCountsSelectPartsOfHostArraysAndSlicesPartsOfBuffers() {
        CudaDevice d = TestDevice.get();
        float[] src = new float[100];
        for (int k = 0; k < src.length; k++) {
            src[k] = k + 0.5f;
        }
        try (DeviceBuffer buf = d.allocate(100 * 4)) {
            d.fillFloats(buf, -1f);
            // elements 10..29 of src land at float 40 of the buffer
            d.copyHostToDevice(buf.slice(40 * 4, 20 * 4), src, 10, 20);
            float[] all = new float[100];
            d.copyDeviceToHost(all, buf);
            for (int k = 0; k < 100; k++) {
                float expected = k >= 40 && k < 60 ? src[k - 30] : -1f;
                assertEquals(expected, all[k], "element " + k);
            }
            // floats 45..49 of the buffer into out[2..6]
            float[] out = new float[8];
            Arrays.fill(out, 7f);
            d.copyDeviceToHost(out, 2, 5, buf.slice(45 * 4, 5 * 4));
            assertArrayEquals(new float[] {7f, 7f, src[15], src[16], src[17], src[18], src[19], 7f}, out);
        }
    }

    @Test
    void copiesCheckTheirRanges() {
        CudaDevice d = TestDevice.get();
        try (DeviceBuffer buf = d.allocate(16)) {
            assertThrows(IllegalArgumentException.class, () -> d.copyHostToDevice(buf, new float[5]));
            assertThrows(IllegalArgumentException.class, () -> d.copyDeviceToHost(new double[3], buf));
            assertThrows(IllegalArgumentException.class, () -> d.copyHostToDevice(buf, new float[4], 2, 3));
            assertThrows(IllegalArgumentException.class, () -> d.copyHostToDevice(buf, new float[4], -1, 1));
            assertThrows(IllegalArgumentException.class, () -> d.copyHostToDevice(buf, new short[2]));
            assertThrows(IllegalArgumentException.class, () -> d.copyHostToDevice(buf, null));
            assertThrows(IllegalArgumentException.class, () -> d.copyDeviceToDevice(buf, buf, 17));
        }
    }

    @Test
    void deviceToDeviceCopiesAndFills() {
        CudaDevice d = TestDevice.get();
        long[] src = random.longs(300).toArray();
        try (DeviceBuffer a = d.allocate(300 * 8); DeviceBuffer b = d.allocate(300 * 8)) {
            d.copyHostToDevice(a, src);
            d.fillBytes(b, (byte) 0x5A);
            d.copyDeviceToDevice(b.slice(8, 100 * 8), a.slice(16, 100 * 8), 100 * 8);
            long[] out = new long[300];
            d.copyDeviceToHost(out, b);
            assertEquals(0x5A5A5A5A5A5A5A5AL, out[0]);
            for (int k = 0; k < 100; k++) {
                assertEquals(src[k + 2], out[k + 1], "element " + (k + 1) + " (seed " + seed + ")");
            }
            assertEquals(0x5A5A5A5A5A5A5A5AL, out[101]);
            d.memsetZero(b);
            d.copyDeviceToHost(out, b);
            assertArrayEquals(new long[300], out);
        }
        try (DeviceBuffer c = d.allocate(40)) {
            d.fillFloats(c, Float.intBitsToFloat(0x7fc12345));
            int[] bits = new int[10];
            d.copyDeviceToHost(bits, c);
            for (int v : bits) {
                assertEquals(0x7fc12345, v, "NaN payload must survive a float fill");
            }
        }
    }

    @Test
    void foreignMemoryCanBeWrapped() {
        CudaDevice d = TestDevice.get();
        try (DeviceBuffer owner = d.allocate(64)) {
            DeviceBuffer foreign = DeviceBuffer.wrap(owner.pointer(), 64);
            d.copyHostToDevice(foreign, new int[] {1, 2, 3, 4});
            foreign.close(); // not ours: nothing happens
            int[] out = new int[4];
            d.copyDeviceToHost(out, owner);
            assertArrayEquals(new int[] {1, 2, 3, 4}, out);
        }
    }

    @Test
    void elapsedMillisTimesQueuedWork() {
        CudaDevice d = TestDevice.get();
        try (DeviceBuffer b = d.allocate(1 << 20)) {
            float ms = d.elapsedMillis(() -> d.memsetZero(b));
            assertTrue(ms >= 0 && Float.isFinite(ms), "elapsed " + ms);
        }
        d.synchronize();
    }

    @Test
    void workFromAnotherThreadUsesTheSameContext() throws Exception {
        CudaDevice d = TestDevice.get();
        int[] out = new int[3];
        try (DeviceBuffer b = d.allocate(12)) {
            Thread t = new Thread(() -> d.copyHostToDevice(b, new int[] {4, 5, 6}));
            t.start();
            t.join();
            d.copyDeviceToHost(out, b);
        }
        assertArrayEquals(new int[] {4, 5, 6}, out);
    }
}
