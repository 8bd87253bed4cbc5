package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    /** On a clock that each batch moves by 1 ms: full speed for 10 s, then a pause of 9 ms after each batch. */
    @Test
    void aKernelThatStaysSlowGetsATenthOfACoreAfterTenSeconds() {
        AtomicLong now = new AtomicLong(5);
        AtomicLong batches = new AtomicLong();
        List<Long> pauses = new ArrayList<>();
        long[] batchesBeforeFirstPause = {-1};
        boolean warmed = VectorWarmUp.warm(() -> {
            batches.incrementAndGet();
            now.addAndGet(1_000_000);
        }, 1_000_000, now::get, nanos -> {
            if (pauses.isEmpty()) {
                batchesBeforeFirstPause[0] = batches.get();
            }
            pauses.add(nanos);
            now.addAndGet(nanos);
        });
        assertFalse(warmed, "a batch of 1 ms is never under 1 ms");
        assertEquals(10_001, batchesBeforeFirstPause[0], "the batch that starts at 10 s is the first paused");
        assertTrue(pauses.stream().allMatch(p -> p == 9_000_000L), "each pause is 9 batch lengths");
        // 10 s at full speed, then 110 s of 10 ms cycles
        assertEquals(10_000 + 11_000, batches.get());
        assertEquals(11_000, pauses.size());
    }

    @Test
    void aLateCompileStillHandsOver() {
        AtomicLong now = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        // 2 ms a batch until the 8000th (at 70 s: 5000 batches in 10 s, then one per 20 ms), then 0.5 ms
        assertTrue(VectorWarmUp.warm(() -> now.addAndGet(batches.incrementAndGet() < 8_000 ? 2_000_000 : 500_000),
                1_000_000, now::get, now::addAndGet));
        assertEquals(8_002, batches.get());
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
