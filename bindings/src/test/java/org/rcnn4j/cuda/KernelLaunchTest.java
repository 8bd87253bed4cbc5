package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Launches through the whole device layer, on the emulator's self-test kernels (cuda/testing/emu_selftest.cu): on a
 * GPU these tests are skipped (and say so); the kernel families' CUDA tests cover launches there.
 */
class KernelLaunchTest {
    static final String SAXPY = "rcnn4j_emutest_saxpy";

    private final long seed = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom(seed);

    @Test
    void saxpyComputesOnDeviceBuffersAndRawPointers() {
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        int n = 1 + random.nextInt(10_000);
        float a = (float) random.nextDouble(-3, 3);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-10, 10);
            y[i] = (float) random.nextDouble(-10, 10);
        }
        try (DeviceBuffer dx = d.allocate(4L * n); DeviceBuffer dy = d.allocate(4L * n)) {
            d.copyHostToDevice(dx, x);
            d.copyHostToDevice(dy, y);
            Kernel k = d.kernel(SAXPY);
            assertSame(k, d.kernel(SAXPY));
            k.launch(Grid.linear(n, 128), n, a, dx, dy.pointer());
            float[] out = new float[n];
            d.copyDeviceToHost(out, dy);
            for (int i = 0; i < n; i++) {
                assertEquals(a * x[i] + y[i], out[i], 1e-5f * Math.max(1, Math.abs(out[i])),
                        "element " + i + " (seed " + seed + ")");
            }
        }
    }

    @Test
    void slicesPassTheirOffsetToTheKernel() {
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        try (DeviceBuffer dx = d.allocate(32); DeviceBuffer dy = d.allocate(32)) {
            d.copyHostToDevice(dx, x);
            d.memsetZero(dy);
            // y[4..7] = 2 * x[2..5]; the rest stays 0
            d.kernel(SAXPY).launch(Grid.linear(4, 32), 4, 2f, dx.slice(8, 16), dy.slice(16, 16).slice(0, 16));
            float[] out = new float[8];
            d.copyDeviceToHost(out, dy);
            assertEquals("[0.0, 0.0, 0.0, 0.0, 6.0, 8.0, 10.0, 12.0]", java.util.Arrays.toString(out));
        }
    }

    @Test
    void unknownKernelsAreNamed() {
        CudaDevice d = TestDevice.get();
        CudaException e = assertThrows(CudaException.class, () -> d.kernel("rcnn4j_no_such_kernel"));
        assertTrue(e.getMessage().contains("no kernel named 'rcnn4j_no_such_kernel'"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA_ERROR_NOT_FOUND"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.kernel(""));
    }

    @Test
    void aFailedLaunchNamesTheKernelTheGridAndTheError() {
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        try (DeviceBuffer dx = d.allocate(16); DeviceBuffer dy = d.allocate(16)) {
            // more dynamic shared memory than any GPU has: the driver refuses the opt-in
            Grid huge = Grid.of(1, 1, 1, 4, 1, 1).withSharedBytes(1 << 30);
            CudaException e = assertThrows(CudaException.class,
                    () -> d.kernel(SAXPY).launch(huge, 4, 1f, dx, dy));
            assertTrue(e.getMessage().contains(SAXPY), e.getMessage());
            assertTrue(e.getMessage().contains("CUDA_ERROR_"), e.getMessage());
            assertTrue(e.result() != 0);
        }
        // the device still works afterwards
        try (DeviceBuffer b = d.allocate(4)) {
            d.fillInts(b, 3);
            int[] out = new int[1];
            d.copyDeviceToHost(out, b);
            assertEquals(3, out[0]);
        }
    }

    @Test
    void sharedMemoryBeyond48KibIsOptedInto() {
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        try (DeviceBuffer dx = d.allocate(16); DeviceBuffer dy = d.allocate(16)) {
            d.copyHostToDevice(dx, new float[] {1, 1, 1, 1});
            d.memsetZero(dy);
            d.kernel(SAXPY).launch(Grid.of(1, 1, 1, 4, 1, 1).withSharedBytes(64 * 1024), 4, 3f, dx, dy);
            float[] out = new float[4];
            d.copyDeviceToHost(out, dy);
            assertEquals(3f, out[3]);
        }
    }

    @Test
    void everyScalarTypeReachesTheKernel() {
        // rcnn4j_emutest_params(double* out, long long n, int a, float b, double c, long long d): a*i + b + c + d
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        int n = 1 + random.nextInt(500);
        int a = random.nextInt(-1000, 1000);
        float b = (float) random.nextDouble(-1, 1);
        double c = random.nextDouble(-1e6, 1e6);
        long big = (1L << 40) + random.nextInt(1000);
        try (DeviceBuffer out = d.allocate(8L * n)) {
            d.kernel("rcnn4j_emutest_params").launch(Grid.linear(n, 64), out, (long) n, a, b, c, big);
            double[] host = new double[n];
            d.copyDeviceToHost(host, out);
            for (int i = 0; i < n; i++) {
                assertEquals((double) a * i + b + c + big, host[i], 0.0, "element " + i + " (seed " + seed + ")");
            }
        }
    }

    @Test
    void aKernelWritingPastItsBufferFailsWithItsName() {
        // exact-size blocks on the emulator let its guard bands see a write one element past the end
        CudaDevice d = TestDevice.emulatorWithTestKernels();
        try (DeviceBuffer x = d.allocate(4 * 8); DeviceBuffer y = d.allocate(4 * 8)) {
            d.memsetZero(x);
            CudaException e = assertThrows(CudaException.class, () -> {
                d.kernel("rcnn4j_emutest_write_past_end").launch(Grid.linear(8, 32), x, 8, y);
                d.synchronize();
            });
            assertTrue(e.getMessage().contains("rcnn4j_emutest_write_past_end"), e.getMessage());
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
        }
    }
}
