package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** clip_grad_norm_ against torch (fixture train_clip, gen_train.py) on both backends. */
class GradClipTest {
    /** Params whose gradients are the fixture's grad0..grad3 (by backward of sum(p * g)). */
    private static List<Var> withGrads(Backend b, Map<String, Tensor> f, String c) {
        List<Var> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Tensor g = f.get(c + ".grad" + i);
            ps.add(Var.param(b, b.toDevice(Tensor.zeros(g.dtype(), g.shape()))));
        }
        try (Scope s = Scope.open()) {
            Var loss = null;
            for (int i = 0; i < 4; i++) {
                Var term = Ops.sum(Ops.mul(ps.get(i), Var.fromHost(b, f.get(c + ".grad" + i))));
                loss = loss == null ? term : Ops.add(loss, term);
            }
            loss.backward();
        }
        return ps;
    }

    private static void check(Backend b) {
        Map<String, Tensor> f = Fixtures.load("train_clip");
        for (String c : new String[] {"small", "large"}) {
            List<Var> ps = withGrads(b, f, c);
            try {
                double norm = GradClip.clipGradNorm(ps, f.get(c + ".max_norm").doubles()[0]);
                assertEquals(f.get(c + ".total_norm").floats()[0], norm, 2e-6 * norm, c + " total norm");
                for (int i = 0; i < 4; i++) {
                    TensorAssert.assertClose(c + " clipped grad " + i, f.get(c + ".clipped" + i),
                            b.toHost(ps.get(i).grad()), 1e-6);
                }
            } finally {
                ps.forEach(Var::close);
            }
        }
    }

    @Test
    void matchesTorchOnCpu() {
        check(new CpuBackend());
    }

    @Test
    void matchesTorchOnCuda() {
        check(CudaTestSupport.backend());
    }

    @Test
    void skipsParamsWithoutGradient() {
        Backend b = new CpuBackend();
        try (Var p = Var.param(b, Tensor.ofFloats(new float[] {1, 2}, 2));
                Var q = Var.param(b, Tensor.ofFloats(new float[] {1}, 1))) {
            try (Scope s = Scope.open()) {
                Ops.sum(Ops.mul(p, Var.fromHost(b, Tensor.ofFloats(new float[] {3, 4}, 2)))).backward();
            }
            assertEquals(5.0, GradClip.clipGradNorm(List.of(p, q), 1.0), 1e-12);
            assertNull(q.grad());
            float[] g = p.grad().floats();
            assertEquals(3 / (5 + 1e-6), g[0], 1e-6);
            assertEquals(4 / (5 + 1e-6), g[1], 1e-6);
            assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(p), 0));
        }
    }
}
