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
    void cudaWithoutADriverSaysWhatToUseInstead() {
        org.junit.jupiter.api.Assumptions.assumeFalse(DriverProbe.driverPresent(),
                "this machine has a CUDA driver: nothing to check");
        // in a JVM that loaded the emulator first, the real driver is refused for that reason instead
        RuntimeException e = assertThrows(RuntimeException.class, () -> Backends.create("cuda"));
        assertTrue(e instanceof CudaUnavailableException || e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().contains("use --device cpu or cuda-emu") || e.getMessage().contains("one libcuda"),
                e.getMessage());
    }
}
