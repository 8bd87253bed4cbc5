package org.rcnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Argument and grid checks happen before any driver call, so they need no device. */
class KernelArgumentsTest {
    private final Kernel kernel = new Kernel(null, "rcnn4j_test_kernel", null);

    @Test
    void nullArgumentsNameTheKernelAndTheIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.launch(Grid.linear(10, 32), 1, null, 2f));
        assertEquals("kernel rcnn4j_test_kernel: argument 1 is null", e.getMessage());
    }

    @Test
    void unsupportedTypesNameTheKernelTheIndexAndTheType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.launch(Grid.linear(10, 32), 1, 2L, "three"));
        assertTrue(e.getMessage().startsWith("kernel rcnn4j_test_kernel: argument 2 has unsupported type "
                + "java.lang.String"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(Grid.linear(10, 32), (short) 1));
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(Grid.linear(10, 32), new float[1]));
    }

    @Test
    void closedBuffersAreRejectedWithTheirIndex() {
        DeviceBuffer closed = new DeviceBuffer() {
            @Override
            public jcuda.driver.CUdeviceptr pointer() {
                throw new IllegalStateException("device buffer of 8 bytes used after close");
            }

            @Override
            public long byteSize() {
                return 8;
            }

            @Override
            public void close() {
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.launch(Grid.linear(10, 32), 3, closed));
        assertTrue(e.getMessage().startsWith("kernel rcnn4j_test_kernel: argument 1: device buffer"), e.getMessage());
    }

    @Test
    void badGridsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(null, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.launch(Grid.of(0, 1, 1, 32, 1, 1)));
        assertTrue(e.getMessage().contains("rcnn4j_test_kernel (grid 0x1x1, block 32x1x1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(Grid.of(1, 1, 1, 64, 32, 1)));
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(Grid.of(1, 1, 1, 1, 1, 1)
                .withSharedBytes(-4)));
        assertThrows(IllegalArgumentException.class, () -> kernel.launch(Grid.linear(1, 1), (Object[]) null));
    }

    @Test
    void linearGridsCoverEveryThread() {
        Grid g = Grid.linear(1000, 256);
        assertEquals(4, g.gridX());
        assertEquals(256, g.blockX());
        assertEquals(1, Grid.linear(0, 128).gridX());
    }
}
