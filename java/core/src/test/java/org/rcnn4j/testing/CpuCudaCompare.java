package org.rcnn4j.testing;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.function.BiFunction;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * Runs one autograd function on the CPU backend and on the CUDA backend (GPU or emulator) with the same F32
 * inputs, and checks that outputs and every input's gradient agree. The output is reduced with random weights, so
 * each element's gradient path differs and a scalar output gets an upstream gradient other than 1.
 */
public final class CpuCudaCompare {
    private static final Backend CPU = new CpuBackend();

    private CpuCudaCompare() {
    }

    /** Standard normal F32 values from a fixed seed (BlockGradCheck.random's, rounded). */
    public static Tensor rand(long seed, int... shape) {
        return HostValues.f32(BlockGradCheck.random(seed, shape));
    }

    /** f(backend, params) on both backends: outputs and every param's gradient agree. */
    public static void compare(String what, BiFunction<Backend, Var[], Var> f, Tensor... inputs) {
        Backend cuda = CudaTestSupport.backend();
        Tensor[][] grads = new Tensor[2][inputs.length];
        Tensor[] outs = new Tensor[2];
        Backend[] bs = {CPU, cuda};
        for (int k = 0; k < 2; k++) {
            Backend b = bs[k];
            Var[] ps = new Var[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                ps[i] = Var.param(b, b.toDevice(Tensor.ofFloats(inputs[i].floats().clone(), inputs[i].shape())));
            }
            try (Scope s = Scope.open()) {
                Var y = f.apply(b, ps);
                outs[k] = b.toHost(y.value());
                Tensor w = rand(what.hashCode(), y.shape());
                TensorMath.sum(TensorMath.mul(y, Var.of(b, b.toDevice(w)))).backward();
                for (int i = 0; i < inputs.length; i++) {
                    grads[k][i] = b.toHost(ps[i].grad());
                }
            } finally {
                for (Var p : ps) {
                    p.close();
                }
            }
        }
        assertClose(what + " output", outs[0], outs[1], FORWARD);
        for (int i = 0; i < inputs.length; i++) {
            assertClose(what + " grad of input " + i, grads[0][i], grads[1][i], GRADIENT);
        }
    }
}
