package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Elementwise;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.ElementwiseKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * cuda/elementwise.cu against the CPU backend's elementwise family computing in double, on fresh random inputs
 * (with NaN and large values) and poisoned outputs; a length that is not a multiple of the block size. Then the
 * family on the CUDA backend against the CPU's, F32 on the device and F64 through the host fallback.
 */
class ElementwiseCudaTest {
    private static final int N = 1000 + 37;
    private static final long SEED = 99;

    private static final Elementwise CPU = new CpuBackend().elementwise();

    /** The values of an F64 host tensor (a CPU family result). */
    private static double[] v(Tensor t) {
        return t.doubles();
    }

    private static Tensor f64(double[] d) {
        return Tensor.ofDoubles(d.clone(), d.length);
    }

    private static double[] data(Random r) {
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = (float) (r.nextGaussian() * 3);
        }
        d[5] = Double.NaN;
        d[6] = 100;
        d[7] = -100;
        return d;
    }

    private static Tensor f32(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, d.length);
    }

    /** Runs launch(out) on a poisoned device output and compares with the expected doubles (rounded to F32). */
    private void check(String what, double[] expected, Consumer<DeviceBuffer> launch) {
        CudaDevice d = CudaTestSupport.device();
        try (Tensor out = CudaTestSupport.poisoned(DType.F32, N)) {
            launch.accept(out.deviceBuffer());
            assertClose(what + " (seed " + SEED + ")", f32(expected), CudaTestSupport.backend().toHost(out), FORWARD);
        }
    }

    @Test
    void kernelsMatchJava() {
        CudaDevice dev = CudaTestSupport.device();
        Random r = new Random(SEED);
        double[] x = data(r);
        double[] y = data(r);
        double[] g = data(r);
        try (Tensor dx = CudaTestSupport.backend().toDevice(f32(x));
                Tensor dy = CudaTestSupport.backend().toDevice(f32(y));
                Tensor dg = CudaTestSupport.backend().toDevice(f32(g))) {
            DeviceBuffer bx = dx.deviceBuffer();
            DeviceBuffer by = dy.deviceBuffer();
            DeviceBuffer bg = dg.deviceBuffer();
            double[] axpby = new double[N];
            for (int i = 0; i < N; i++) {
                axpby[i] = 0.5 * x[i] - 2.0 * y[i];
            }
            check("axpby", axpby, o -> ElementwiseKernels.axpby(dev, bx, by, 0.5f, -2f, o, N));
            check("scale", v(CPU.scale(f64(x), -1.5)), o -> ElementwiseKernels.scale(dev, bx, -1.5f, o, N));
            check("mul", v(CPU.mul(f64(x), f64(y))), o -> ElementwiseKernels.mul(dev, bx, by, o, N));
            check("relu", v(CPU.relu(f64(x))), o -> ElementwiseKernels.relu(dev, bx, o, N));
            check("relu backward", v(CPU.reluBackward(f64(g), f64(x))), o -> ElementwiseKernels.reluBackward(dev, bg, bx,
                    o, N));
            check("sigmoid", v(CPU.sigmoid(f64(x))), o -> ElementwiseKernels.sigmoid(dev, bx, o, N));
            check("sigmoid backward", v(CPU.sigmoidBackward(f64(g), f64(y))), o -> ElementwiseKernels.sigmoidBackward(
                    dev, bg, by, o, N));
        }
    }

    /** Every op of the family through CudaBackend against CpuBackend's: F32 device operands and F64 ones. */
    @Test
    void familyMatchesCpu() {
        Random r = new Random(SEED + 1);
        double[] x = data(r);
        double[] y = data(r);
        Elementwise cuda = CudaTestSupport.backend().elementwise();
        for (boolean f32 : new boolean[] {true, false}) {
            Tensor hx = f32 ? f32(x) : f64(x);
            Tensor hy = f32 ? f32(y) : f64(y);
            Elementwise cpu = new CpuBackend().elementwise();
            String what = (f32 ? "F32" : "F64") + " seed " + SEED;
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor dx = CudaTestSupport.backend().toDevice(hx);
                        Tensor dy = CudaTestSupport.backend().toDevice(hy)) {
                    same(what + " axpby", cpu.axpby(hx, hy, 0.5, -2.0), cuda.axpby(dx, dy, 0.5, -2.0));
                    same(what + " scale", cpu.scale(hx, -1.5), cuda.scale(dx, -1.5));
                    same(what + " mul", cpu.mul(hx, hy), cuda.mul(dx, dy));
                    same(what + " relu", cpu.relu(hx), cuda.relu(dx));
                    same(what + " relu backward", cpu.reluBackward(hy, hx), cuda.reluBackward(dy, dx));
                    same(what + " sigmoid", cpu.sigmoid(hx), cuda.sigmoid(dx));
                    same(what + " sigmoid backward", cpu.sigmoidBackward(hy, hx), cuda.sigmoidBackward(dy, dx));
                }
            });
        }
    }

    /** The device result (closed here) against the CPU's, within FORWARD. */
    private static void same(String what, Tensor expected, Tensor device) {
        try (device) {
            assertClose(what, expected, CudaTestSupport.backend().toHost(device), FORWARD);
        }
    }

    @Test
    void badOperandsNameThemselves() {
        Elementwise cuda = CudaTestSupport.backend().elementwise();
        try (Tensor a = CudaTestSupport.poisoned(DType.F32, 3); Tensor b = CudaTestSupport.poisoned(DType.F32, 4);
                Tensor i = CudaTestSupport.backend().toDevice(Tensor.ofLongs(new long[] {1, 2, 3}, 3))) {
            org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith("y", () -> cuda.axpby(a, b, 1, 1));
            org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith("x", () -> cuda.relu(i));
        }
    }
}
