package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.HostValues.doubles;
import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.cpu.Elementwise;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.ReduceKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/reduce.cu against autograd's Java sum on fresh random inputs, outputs poisoned (NaN) before each launch:
 * lengths around the block size and beyond the 1024 partial sums (so threads take several elements), empty
 * inputs, bit-for-bit repeats, and sum/mean through autograd against the CPU backend.
 */
class ReduceCudaTest {
    private static final int[] LENGTHS = {1, 255, 256, 257, 1037, 70_001, 300_007};

    private static Backend cuda() {
        return CudaTestSupport.backend();
    }

    /** (float) (scale * sum of x) from the kernel, into a poisoned 0-dim output. */
    private static Tensor deviceSum(Tensor dx, double scale) {
        try (Tensor out = CudaTestSupport.poisoned(DType.F32)) {
            ReduceKernels.sum(CudaTestSupport.device(), dx.deviceBuffer(), dx.numel(), scale, out.deviceBuffer());
            return cuda().toHost(out);
        }
    }

    @Test
    void sumAndMeanMatchJavaAndRepeat() {
        RandomTensors rnd = new RandomTensors();
        for (int n : LENGTHS) {
            Tensor x = rnd.normal(n);
            String what = "n=" + n + " seed " + rnd.seed();
            double sum = Elementwise.sum(doubles(x));
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor dx = cuda().toDevice(x)) {
                    Tensor s = deviceSum(dx, 1.0);
                    assertClose(what + " sum", Tensor.ofFloats(new float[] {(float) sum}), s, FORWARD);
                    assertClose(what + " mean", Tensor.ofFloats(new float[] {(float) (sum * (1.0 / n))}),
                            deviceSum(dx, 1.0 / n), FORWARD);
                    assertExact(what + " repeated sum", s, deviceSum(dx, 1.0));
                }
            });
        }
    }

    @Test
    void emptySumIsZeroAndEmptyMeanIsNaN() {
        CudaTestSupport.assertNoLeak("empty", () -> {
            try (Tensor dx = cuda().toDevice(Tensor.zeros(DType.F32, 0))) {
                assertEquals(0f, deviceSum(dx, 1.0).getDouble(0));
                assertTrue(Double.isNaN(deviceSum(dx, 1.0 / 0).getDouble(0)), "empty mean is NaN");
            }
        });
    }

    @Test
    void fillWritesTheScaledUpstreamGradient() {
        RandomTensors rnd = new RandomTensors();
        Tensor g = rnd.normal();
        int n = 1037;
        double scale = 1.0 / n;
        float[] expected = new float[n];
        java.util.Arrays.fill(expected, (float) (g.getDouble(0) * scale));
        CudaDevice dev = CudaTestSupport.device();
        CudaTestSupport.assertNoLeak("fill", () -> {
            try (Tensor dg = cuda().toDevice(g); Tensor out = CudaTestSupport.poisoned(DType.F32, n)) {
                ReduceKernels.fill(dev, dg.deviceBuffer(), scale, out.deviceBuffer(), n);
                assertExact("fill seed " + rnd.seed(), Tensor.ofFloats(expected, n), cuda().toHost(out));
            }
        });
    }

    @Test
    void autogradSumAndMeanMatchCpu() {
        RandomTensors rnd = new RandomTensors();
        String seed = " seed " + rnd.seed();
        CudaTestSupport.assertNoLeak("autograd", () -> {
            CpuCudaCompare.compare("sum" + seed, (b, v) -> Ops.sum(v[0]), rnd.normal(13, 17));
            CpuCudaCompare.compare("mean" + seed, (b, v) -> Ops.mean(v[0]), rnd.normal(3, 700));
            CpuCudaCompare.compare("sum of means" + seed, (b, v) -> Ops.add(Ops.mean(Ops.mul(v[0], v[0])), Ops.sum(
                    v[0])), rnd.normal(2, 5, 3));
        });
    }

    @Test
    void autogradOnEmptyInputs() {
        CudaTestSupport.assertNoLeak("autograd empty", () -> {
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda(), cuda().toDevice(Tensor.zeros(DType.F32, 0, 3)));
                Var sum = Ops.sum(x);
                assertEquals(0.0, cuda().toHost(sum.value()).getDouble(0));
                Var mean = Ops.mean(x);
                assertTrue(Double.isNaN(cuda().toHost(mean.value()).getDouble(0)), "mean of nothing is NaN");
                sum.backward();
                assertArrayEquals(new int[] {0, 3}, x.grad().shape());
            }
        });
    }

    /** F64 device tensors keep the host path (the float64 gradient checks use it) and agree with it. */
    @Test
    void f64StaysOnTheHostPath() {
        RandomTensors rnd = new RandomTensors();
        double[] d = doubles(rnd.normal(4, 6));
        CudaTestSupport.assertNoLeak("f64", () -> {
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda(), cuda().toDevice(Tensor.ofDoubles(d.clone(), 4, 6)));
                Var m = Ops.mean(x);
                assertEquals(DType.F64, m.dtype());
                assertEquals(Elementwise.sum(d) / 24, cuda().toHost(m.value()).getDouble(0), 1e-12);
                m.backward();
                double[] g = new double[24];
                java.util.Arrays.fill(g, 1.0 / 24);
                assertClose("f64 grad seed " + rnd.seed(), Tensor.ofDoubles(g, 4, 6), cuda().toHost(x.grad()),
                        GRADIENT);
            }
        });
    }
}
