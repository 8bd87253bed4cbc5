package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** BatchNorm2d.trackRunningStats(false), torch's track_running_stats = False on a module with its buffers. */
class BatchNormTrackingTest {
    private static Tensor input(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[4 * 3 * 5 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * r.nextDouble() - 0.5);
        }
        return Tensor.ofFloats(v, 4, 3, 5, 5);
    }

    private static float[] forward(Backend cpu, BatchNorm2d bn, Tensor x) {
        try (Scope s = Scope.open()) {
            return cpu.toHost(bn.forward(Var.fromHost(cpu, x)).value()).floats().clone();
        }
    }

    private static float[] running(BatchNorm2d bn, String name) {
        return bn.stateDict().get(name).floats().clone();
    }

    @Test
    void untrackedTrainingUsesBatchStatisticsAndLeavesTheRunningOnes() {
        try (Backend cpu = new CpuBackend()) {
            BatchNorm2d tracked = (BatchNorm2d) new BatchNorm2d(3).initialize(1).to(cpu);
            BatchNorm2d untracked = (BatchNorm2d) new BatchNorm2d(3).initialize(1).to(cpu);
            tracked.train(true);
            untracked.train(true);
            untracked.trackRunningStats(false);
            float[] mean0 = running(untracked, "running_mean");
            float[] var0 = running(untracked, "running_var");
            Tensor x = input(7);

            float[] a = forward(cpu, tracked, x);
            float[] b = forward(cpu, untracked, x);

            assertArrayEquals(a, b, "the same batch statistics normalize both");
            assertArrayEquals(mean0, running(untracked, "running_mean"), "running_mean untouched");
            assertArrayEquals(var0, running(untracked, "running_var"), "running_var untouched");
            assertFalse(Arrays.equals(mean0, running(tracked, "running_mean")), "the tracked module did update");
            assertFalse(untracked.trackRunningStats());
            assertTrue(tracked.trackRunningStats());

            untracked.trackRunningStats(true);
            forward(cpu, untracked, x);
            assertArrayEquals(running(tracked, "running_mean"), running(untracked, "running_mean"),
                    "tracking again updates as before");
        }
    }

    @Test
    void evalModeUsesTheRunningStatisticsEitherWay() {
        try (Backend cpu = new CpuBackend()) {
            BatchNorm2d bn = (BatchNorm2d) new BatchNorm2d(3).initialize(1).to(cpu);
            bn.train(true);
            forward(cpu, bn, input(3));
            bn.eval();
            Tensor x = input(9);
            float[] tracked = forward(cpu, bn, x);
            bn.trackRunningStats(false);
            assertArrayEquals(tracked, forward(cpu, bn, x));
        }
    }
}
