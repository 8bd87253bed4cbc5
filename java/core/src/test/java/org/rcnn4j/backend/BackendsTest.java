package org.rcnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaUnavailableException;
import org.rcnn4j.cuda.DriverProbe;

class BackendsTest {

    @Test
    void cpuByName() {
        assertTrue(Backends.create("cpu") instanceof CpuBackend);
        assertTrue(Backends.create(" CPU ") instanceof CpuBackend);
    }

    @Test
    void unknownNamesListTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("gpu"));
        assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("cpu, cuda, cuda-emu"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.create(null));
    }

    @Test
    void aDeviceNumberAfterTheColon() {
        try (Backend emu = Backends.create("cuda-emu:0")) {
            assertEquals("cuda-emu", emu.name());
        }
        // the emulator has one device: number 1 is refused with the driver's count
        CudaUnavailableException none = assertThrows(CudaUnavailableException.class,
                () -> Backends.create("cuda-emu:1"));
        assertTrue(none.getMessage().contains("no CUDA device 1"), none.getMessage());
        for (String bad : new String[] {"cuda:", "cuda:x", "cuda:-1", "cpu:0", "cuda:1:2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create(bad));
            assertTrue(e.getMessage().startsWith("device: ") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void theSystemPropertyChoosesTheBackend() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "cpu");
            assertEquals("cpu", Backends.fromEnvironment().name());
            System.setProperty(Backends.PROPERTY, "nonsense");
            assertThrows(IllegalArgumentException.class, Backends::fromEnvironment);
            System.clearProperty(Backends.PROPERTY);
            String env = System.getenv(Backends.ENVIRONMENT);
            assertEquals(env == null || env.isBlank() ? "cpu" : env.trim(), Backends.configuredName());
        } finally {
            if (old == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, old);
            }
        }
    }

    @Test
    void cudaWithoutADriverSaysWhatIsMissing() {
        org.junit.jupiter.api.Assumptions.assumeFalse(DriverProbe.driverPresent(),
                "this machine has a CUDA driver: nothing to check");
        // in a JVM that loaded the emulator first, the real driver is refused for that reason instead
        RuntimeException e = assertThrows(RuntimeException.class, () -> Backends.create("cuda"));
        assertTrue(e instanceof CudaUnavailableException || e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().contains("no CUDA driver") || e.getMessage().contains("one libcuda"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("--device"), "no command-line advice from the library: " + e.getMessage());
    }

    @Test
    void backendsDescribeThemselvesAndTimeWork() {
        Backend cpu = Backends.create("cpu");
        assertTrue(cpu.describe().startsWith("pure Java, "), cpu.describe());
        int[] ran = new int[1];
        double ms = cpu.elapsedMillis(() -> ran[0]++);
        assertEquals(1, ran[0], "the work runs once");
        assertTrue(ms >= 0, "elapsed " + ms);
        Backend emu = org.rcnn4j.testing.CudaTestSupport.backend();
        assertTrue(emu.describe().contains(emu.name().equals("cuda-emu") ? "emulation of CUDA" : "compute capability"),
                emu.describe());
        assertTrue(emu.elapsedMillis(() -> ran[0]++) >= 0);
        assertEquals(2, ran[0], "the work runs once on the device backend too");
    }
}
