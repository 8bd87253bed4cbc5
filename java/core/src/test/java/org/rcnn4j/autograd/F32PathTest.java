package org.rcnn4j.autograd;

import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/**
 * The float fast path (host F32 kernels on the CPU backend) against the double path (F64, checked by finite
 * differences): outputs, gradients and an SGD step agree to float precision.
 */
class F32PathTest {
    private final Backend cpu = new CpuBackend();

    private static Tensor rand(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextGaussian();
        }
        d[0] = 30; // sigmoid saturation, both signs
        d[1] = -30;
        return Tensor.ofDoubles(d, shape);
    }

    private static Tensor f32(Tensor t) {
        double[] d = t.doubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, t.shape());
    }

    private static Tensor f64(Tensor t) {
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return Tensor.ofDoubles(d, t.shape());
    }

    /** f on F64 params and on F32 params; then one SGD step each; compares output, grads and updated params. */
    private void compare(String what, Function<Var[], Var> f, Tensor... inputs) {
        Tensor[][] res = new Tensor[2][];
        for (int k = 0; k < 2; k++) {
            Var[] ps = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                ps[i] = Var.param(cpu, k == 0 ? GradCheck.copy(inputs[i]) : f32(inputs[i]));
            }
            res[k] = new Tensor[1 + 2 * inputs.length];
            try (Scope s = Scope.open(); Sgd opt = new Sgd(List.of(ps), 0.1, 0.9, 0.01)) {
                Var y = f.apply(ps);
                res[k][0] = k == 0 ? y.value() : f64(y.value());
                Var w = Var.of(cpu, k == 0 ? rand(7, y.shape()) : f32(rand(7, y.shape())));
                Ops.sum(Ops.mul(y, w)).backward();
                opt.step();
                for (int i = 0; i < inputs.length; i++) {
                    res[k][1 + i] = k == 0 ? ps[i].grad() : f64(ps[i].grad());
                    res[k][1 + inputs.length + i] = k == 0 ? ps[i].value() : f64(ps[i].value());
                }
            } finally {
                for (Var p : ps) {
                    p.close();
                }
            }
        }
        for (int j = 0; j < res[0].length; j++) {
            assertClose(what + " result " + j, res[0][j], res[1][j], GRADIENT);
        }
    }

    @Test
    void elementwiseOpsAndSgd() {
        compare("add/sub", v -> Ops.sub(Ops.add(v[0], v[1]), Ops.mul(v[1], 0.25)), rand(1, 3, 5), rand(2, 3, 5));
        compare("mul", v -> Ops.mul(v[0], v[1]), rand(3, 4, 4), rand(4, 4, 4));
        compare("relu", v -> Ops.relu(v[0]), rand(5, 40));
        compare("sigmoid", v -> Ops.sigmoid(v[0]), rand(6, 40));
        compare("linear", v -> Nn.linear(v[0], v[1], v[2]), rand(8, 3, 4), rand(9, 5, 4), rand(10, 5));
        compare("x reused", v -> Ops.mul(Ops.relu(v[0]), Ops.sigmoid(v[0])), rand(11, 6, 2));
    }
}
