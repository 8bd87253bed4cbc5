package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The daemon warm-up and the wait for it that timing loops use ({@code Backend.awaitWarmUp}). */
class VectorWarmUpTest {
    @Test
    void awaitAllWaitsForTheHandOver() {
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean ready = new AtomicBoolean();
        // slow (20 ms) for its first ten batches, as interpreted code is, then fast
        VectorWarmUp.start("test-warmup", () -> {
            if (calls.incrementAndGet() <= 10) {
                sleep(20);
            }
        }, 5_000_000, () -> ready.set(true));
        assertFalse(VectorWarmUp.awaitAll(1_000_000), "the warm-up cannot have handed over within 1 ms");
        assertTrue(VectorWarmUp.awaitAll(Duration.ofSeconds(30).toNanos()), "the warm-up never finished");
        assertTrue(ready.get(), "awaitAll returned before the hand-over");
        assertTrue(calls.get() >= 13, "handed over after " + calls.get() + " batches, before three fast ones");
    }

    @Test
    void theCpuBackendWaitsForItsKernels() {
        try (CpuBackend cpu = new CpuBackend()) {
            ExpF32.approx(); // a first use loads the class, which starts its warm-up (as a first decode would)
            assertTrue(cpu.awaitWarmUp(Duration.ofSeconds(120)), "the CPU kernels' warm-up did not finish");
            // after the wait the vector form is in use
            assertSame(ExpApprox.best().getClass(), ExpF32.approx().getClass());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
