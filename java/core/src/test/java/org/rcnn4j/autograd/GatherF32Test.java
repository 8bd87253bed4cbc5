package org.rcnn4j.autograd;

import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/**
 * concat and index_select's F32 fast paths (float copies, no double round trip) against their float64 path on
 * the same values: forward exactly, gradients to float rounding.
 */
class GatherF32Test {
    private final Backend cpu = new CpuBackend();

    private static Tensor f32(Tensor d) {
        float[] f = new float[d.numel()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d.getDouble(i);
        }
        return Tensor.ofFloats(f, d.shape());
    }

    private static Tensor f64(Tensor f) {
        double[] d = new double[f.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.getDouble(i);
        }
        return Tensor.ofDoubles(d, f.shape());
    }

    @Test
    void concatAndIndexSelectMatchTheDoublePath() {
        Tensor a = f32(GradCheck.random(1, 3, 4));
        Tensor c = f32(GradCheck.random(2, 2, 4));
        Tensor w = f32(GradCheck.random(3, 8, 4));
        Tensor idx = Tensor.ofLongs(new long[] {7, 0, 7, 3, 7, 5, 1, 1}, 8);
        Tensor[][] res = new Tensor[2][];
        for (int k = 0; k < 2; k++) {
            boolean single = k == 0;
            try (Scope s = Scope.open()) {
                Var va = Var.param(cpu, single ? f32(a) : f64(a));
                Var vc = Var.param(cpu, single ? f32(c) : f64(c));
                Var cat = Ops.concat(List.of(va, vc, va));
                Var sel = Ops.indexSelect(cat, Var.of(cpu, idx));
                Ops.sum(Ops.mul(sel, Var.of(cpu, single ? f32(w) : f64(w)))).backward();
                res[k] = new Tensor[] {f64(cat.value()), f64(sel.value()), f64(va.grad()), f64(vc.grad())};
            }
        }
        assertExact("concat", res[1][0], res[0][0]);
        assertExact("index_select", res[1][1], res[0][1]);
        assertClose("grad a", res[1][2], res[0][2], 1e-6);
        assertClose("grad c", res[1][3], res[0][3], 1e-6);
    }
}
