package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.Function;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Finite-difference gradient check in float64 on a backend: a non-scalar output y is reduced to sum(y * w) with
 * fixed random weights w, so every output element's gradient path is exercised with a distinct weight.
 */
final class GradCheck {
    static final double EPS = 1e-6;
    static final double TOL = 1e-4;

    private GradCheck() {
    }

    /** Checks d f / d inputs[i] for every F64 host input. */
    static void check(String what, Backend backend, Function<Var[], Var> f, Tensor... inputs) {
        long seed = what.hashCode();
        Var[] vars = new Var[inputs.length];
        long live = Live.tensors();
        try (Scope scope = Scope.open()) {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].dtype() != DType.F64) {
                    throw new IllegalArgumentException("gradcheck inputs must be F64");
                }
                vars[i] = Var.param(backend, backend.toDevice(copy(inputs[i])));
            }
            double[][] weights = new double[1][];
            Var loss = scalarize(f.apply(vars), seed, weights);
            loss.backward();
            for (int i = 0; i < inputs.length; i++) {
                Tensor g = vars[i].grad();
                assertNotNull(g, what + ": input " + i + " got no gradient");
                double[] analytic = backend.toHost(g).doubles();
                double[] x = inputs[i].doubles();
                for (int k = 0; k < x.length; k++) {
                    double num = (evaluate(backend, f, inputs, i, k, EPS, weights[0])
                            - evaluate(backend, f, inputs, i, k, -EPS, weights[0])) / (2 * EPS);
                    double err = Math.abs(num - analytic[k]);
                    if (err > TOL * Math.max(1e-3, Math.abs(num))) {
                        fail(what + ": d/d input" + i + "[" + k + "]: analytic " + analytic[k] + " vs numeric " + num
                                + " (seed " + seed + ")");
                    }
                }
            }
        }
        assertEquals(live, Live.tensors(), what + ": autograd tensors left open after the scope closed");
    }

    private static double evaluate(Backend backend, Function<Var[], Var> f, Tensor[] inputs, int which, int k,
            double delta, double[] weights) {
        try (Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            Var[] vars = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor c = copy(inputs[i]);
                if (i == which) {
                    c.doubles()[k] += delta;
                }
                vars[i] = Var.of(backend, backend.toDevice(c));
            }
            Var y = f.apply(vars);
            double[] yd = backend.toHost(y.value()).doubles();
            if (weights == null) {
                return yd[0];
            }
            double sum = 0;
            for (int j = 0; j < yd.length; j++) {
                sum += yd[j] * weights[j];
            }
            return sum;
        }
    }

    private static Var scalarize(Var y, long seed, double[][] weightsOut) {
        if (y.numel() == 1 && y.shape().length == 0) {
            return y;
        }
        Random r = new Random(seed);
        double[] w = new double[y.numel()];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        weightsOut[0] = w;
        Var wv = Var.of(y.backend(), y.backend().toDevice(Tensor.ofDoubles(w.clone(), y.shape())));
        return Ops.sum(Ops.mul(y, wv));
    }

    static Tensor copy(Tensor t) {
        return Tensor.ofDoubles(t.doubles().clone(), t.shape());
    }

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return Tensor.ofDoubles(d, shape);
    }
}
