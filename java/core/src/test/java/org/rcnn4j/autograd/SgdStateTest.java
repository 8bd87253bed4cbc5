package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** Sgd's settable learning rate and momentum export/import (what checkpoints need). */
class SgdStateTest {
    private final Backend cpu = new CpuBackend();

    private LinkedHashMap<String, Var> params() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("w", Var.param(cpu, Tensor.ofDoubles(new double[] {1, -2, 0.5}, 3)));
        m.put("b", Var.param(cpu, Tensor.ofDoubles(new double[] {0.25}, 1)));
        return m;
    }

    /** loss = sum(w^3) + sum(b * w0-ish) so that gradients change from step to step. */
    private static void step(Map<String, Var> m, Sgd opt, double lr) {
        try (Scope s = Scope.open()) {
            Var w = m.get("w");
            Var loss = Ops.add(Ops.sum(Ops.mul(Ops.mul(w, w), w)), Ops.sum(Ops.mul(m.get("b"), m.get("b"))));
            loss.backward();
            opt.setLr(lr);
            opt.step();
            opt.zeroGrad();
        }
    }

    @Test
    void exportedMomentumContinuesTheRunExactly() {
        long live = Live.tensors();
        double[] lrs = {0.01, 0.02, 0.005, 0.03};
        LinkedHashMap<String, Var> a = params();
        LinkedHashMap<String, Var> b = params();
        LinkedHashMap<String, Var> c = params();
        try (Sgd optA = new Sgd(List.copyOf(a.values()), 1, 0.9, 1e-3);
                Sgd optB = new Sgd(List.copyOf(b.values()), 1, 0.9, 1e-3);
                Sgd optC = new Sgd(List.copyOf(c.values()), 1, 0.9, 1e-3)) {
            for (double lr : lrs) {
                step(a, optA, lr);
            }
            step(b, optB, lrs[0]);
            step(b, optB, lrs[1]);
            Map<String, Tensor> mom = optB.exportMomentum(b);
            assertEquals(List.of("w", "b"), List.copyOf(mom.keySet()));
            for (String k : b.keySet()) {
                c.get(k).loadValue(b.get(k).value());
            }
            optC.importMomentum(c, mom);
            mom.get("w").doubles()[0] = 1e9; // the optimizer holds its own copy
            step(c, optC, lrs[2]);
            step(c, optC, lrs[3]);
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).value().doubles(), c.get(k).value().doubles(), k);
            }
            assertEquals(0.03, optC.lr());
        } finally {
            a.values().forEach(Var::close);
            b.values().forEach(Var::close);
            c.values().forEach(Var::close);
        }
        assertEquals(live, Live.tensors(), "buffers and params closed");
    }

    @Test
    void badStateIsRejected() {
        LinkedHashMap<String, Var> m = params();
        try (Sgd opt = new Sgd(List.copyOf(m.values()), 0.1, 0.9, 0)) {
            assertTrue(opt.exportMomentum(m).isEmpty(), "no buffers before the first step");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.importMomentum(m, Map.of("w", Tensor.ofDoubles(new double[] {1}, 1))));
            assertTrue(e.getMessage().contains("'w'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> opt.importMomentum(m, Map.of("x", Tensor.ofDoubles(new double[] {1}, 1))));
            assertTrue(e.getMessage().contains("'x'"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1));
            assertThrows(IllegalArgumentException.class, () -> m.get("w").loadValue(Tensor.ofFloats(new float[3], 3)));
        } finally {
            m.values().forEach(Var::close);
        }
    }
}
