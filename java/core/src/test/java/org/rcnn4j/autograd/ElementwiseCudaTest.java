package org.rcnn4j.autograd;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.cpu.Elementwise;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.ElementwiseKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * cuda/elementwise.cu against autograd's Java kernels, on fresh random inputs (with NaN and large values) and
 * poisoned outputs; a length that is not a multiple of the block size.
 */
class ElementwiseCudaTest {
    private static final int N = 1000 + 37;
    private static final long SEED = 99;

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
            check("scale", Elementwise.scale(x, -1.5), o -> ElementwiseKernels.scale(dev, bx, -1.5f, o, N));
            check("mul", Elementwise.mul(x, y), o -> ElementwiseKernels.mul(dev, bx, by, o, N));
            check("relu", Elementwise.relu(x), o -> ElementwiseKernels.relu(dev, bx, o, N));
            check("relu backward", Elementwise.reluBackward(g, x), o -> ElementwiseKernels.reluBackward(dev, bg, bx,
                    o, N));
            check("sigmoid", Elementwise.sigmoid(x), o -> ElementwiseKernels.sigmoid(dev, bx, o, N));
            check("sigmoid backward", Elementwise.sigmoidBackward(g, y), o -> ElementwiseKernels.sigmoidBackward(
                    dev, bg, by, o, N));
        }
    }
}
