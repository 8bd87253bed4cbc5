package org.rcnn4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Live;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Finite-difference gradient check of a module's forward pass in float64 on the CPU backend: the module is bound
 * with F64 values ({@link Block#to(org.rcnn4j.backend.Backend, DType)}), its outputs are reduced to
 * sum_k sum(y_k * w_k) with fixed random weights, and the analytic gradient of every input and every trainable
 * parameter is compared with central differences. Large tensors are checked at a seeded sample of elements (the
 * forward pass is the whole model, so each element costs two passes).
 */
public final class BlockGradCheck {
    static final double EPS = 1e-6;
    /** Relative tolerance, plus an absolute floor scaled by the loss (central differences lose ~1e-10 of it). */
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-7;

    private final String what;
    private final Block module;
    private final Function<Var[], List<Var>> forward;
    private final Tensor[] inputs;
    private int samplesPerTensor = 12;
    private final CpuBackend cpu = new CpuBackend();

    private BlockGradCheck(String what, Block module, Function<Var[], List<Var>> forward, Tensor[] inputs) {
        this.what = what;
        this.module = module;
        this.forward = forward;
        this.inputs = inputs;
    }

    /**
     * A check of {@code module} (initialized, not bound) computing {@code forward} from F64 host {@code inputs};
     * the forward may return several outputs.
     */
    public static BlockGradCheck of(String what, Block module, Function<Var[], List<Var>> forward,
            Tensor... inputs) {
        return new BlockGradCheck(what, module, forward, inputs);
    }

    /** How many elements of each input and parameter to check (all when the tensor is smaller). */
    public BlockGradCheck samples(int perTensor) {
        samplesPerTensor = perTensor;
        return this;
    }

    /** Runs the check; the module is bound in F64 for it and released after; returns how many elements it checked. */
    public int run() {
        long live = Live.tensors();
        boolean training = module.isTraining();
        module.to(cpu, DType.F64);
        int checked = 0;
        try {
            module.train(training);
            LinkedHashMap<String, Var> params = module.trainableVars();
            for (Var p : params.values()) {
                assertEquals(DType.F64, p.dtype(), what + ": parameter not bound as F64");
            }
            List<double[]> weights = new ArrayList<>();
            double loss;
            List<double[]> inputGrads = new ArrayList<>();
            Map<String, double[]> paramGrads = new LinkedHashMap<>();
            try (Scope s = Scope.open()) {
                Var[] vars = new Var[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    vars[i] = Var.param(cpu, copy(inputs[i]));
                }
                List<Var> outs = forward.apply(vars);
                Var total = null;
                Random r = new Random(what.hashCode());
                for (Var y : outs) {
                    assertEquals(DType.F64, y.dtype(), what + ": output not F64");
                    double[] w = new double[y.numel()];
                    for (int j = 0; j < w.length; j++) {
                        w[j] = r.nextGaussian();
                    }
                    weights.add(w);
                    Var term = TensorMath.sum(TensorMath.mul(y, Var.of(cpu, Tensor.ofDoubles(w.clone(), y.shape()))));
                    total = total == null ? term : TensorMath.add(total, term);
                }
                loss = total.item();
                total.backward();
                for (int i = 0; i < inputs.length; i++) {
                    assertNotNull(vars[i].grad(), what + ": input " + i + " got no gradient");
                    inputGrads.add(vars[i].grad().doubles().clone());
                }
                params.forEach((k, p) -> {
                    assertNotNull(p.grad(), what + ": parameter " + k + " got no gradient");
                    paramGrads.put(k, p.grad().doubles().clone());
                    p.zeroGrad();
                });
            }
            double atol = ATOL * Math.max(1, Math.abs(loss));
            Random pick = new Random(what.hashCode() * 31L + 7);
            for (int i = 0; i < inputs.length; i++) {
                double[] x = inputs[i].doubles();
                for (int k : sample(x.length, pick)) {
                    double num = central(x, k, weights);
                    checked += compare("input" + i + "[" + k + "]", inputGrads.get(i)[k], num, atol);
                }
            }
            for (Map.Entry<String, Var> e : params.entrySet()) {
                double[] v = e.getValue().value().doubles(); // the bound F64 value itself (CPU backend)
                for (int k : sample(v.length, pick)) {
                    double num = central(v, k, weights);
                    checked += compare(e.getKey() + "[" + k + "]", paramGrads.get(e.getKey())[k], num, atol);
                }
            }
        } finally {
            module.release();
        }
        assertEquals(live, Live.tensors(), what + ": autograd tensors left open");
        return checked;
    }

    private int compare(String where, double analytic, double numeric, double atol) {
        double err = Math.abs(analytic - numeric);
        if (!(err <= RTOL * Math.max(Math.abs(numeric), Math.abs(analytic)) + atol)) {
            fail(what + ": d/d " + where + ": analytic " + analytic + " vs numeric " + numeric);
        }
        return 1;
    }

    /** Central difference of the weighted output sum in element k of {@code values} (perturbed in place). */
    private double central(double[] values, int k, List<double[]> weights) {
        double orig = values[k];
        values[k] = orig + EPS;
        double plus = evaluate(weights);
        values[k] = orig - EPS;
        double minus = evaluate(weights);
        values[k] = orig;
        return (plus - minus) / (2 * EPS);
    }

    private double evaluate(List<double[]> weights) {
        try (Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            Var[] vars = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                vars[i] = Var.of(cpu, inputs[i]); // not copied: perturbations of inputs act through it
            }
            List<Var> outs = forward.apply(vars);
            double sum = 0;
            for (int o = 0; o < outs.size(); o++) {
                double[] y = outs.get(o).value().doubles();
                double[] w = weights.get(o);
                for (int j = 0; j < y.length; j++) {
                    sum += y[j] * w[j];
                }
            }
            return sum;
        }
    }

    private int[] sample(int n, Random r) {
        if (n <= samplesPerTensor) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return r.ints(0, n).distinct().limit(samplesPerTensor).toArray();
    }

    private static Tensor copy(Tensor t) {
        return Tensor.ofDoubles(t.doubles().clone(), t.shape());
    }

    /** A seeded N(0, 1) F64 host tensor. */
    public static Tensor random(long seed, int... shape) {
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
