package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;
import static org.rcnn4j.testing.HostValues.doubles;
import static org.rcnn4j.testing.HostValues.f32;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.cpu.MaxPool;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.MaxPoolKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/max_pool.cu against autograd's Java max_pool2d (autograd/cpu/MaxPool) on fresh random inputs with many
 * ties (values on a coarse grid), a NaN, an all -inf window, padding and overlapping windows; outputs and argmax
 * poisoned before each launch. Output and argmax must be exact (same tie rule), gradients within 1e-4.
 */
class MaxPoolCudaTest {
    /** n, c, h, w, kernel, stride, padding. */
    private static final int[][] CASES = {
        {2, 3, 7, 6, 3, 2, 1}, // detector stem: padding, overlap
        {1, 2, 8, 8, 2, 2, 0}, // TinyNet's pool: tiles
        {1, 3, 5, 9, 3, 1, 1}, // stride 1: each input in up to 9 windows
        {2, 1, 4, 4, 1, 1, 0}, // identity
        {1, 2, 11, 7, 5, 3, 2}, // large padding
        {1, 1, 3, 3, 3, 3, 1}, // one window with padding on every side
        {1, 1, 1, 1, 1, 1, 0},
    };
    /** Bits a kernel never writes as an argmax (the poison of argmax outputs). */
    private static final int ARGMAX_POISON = 0x7eadbeef;

    private static Backend cuda() {
        return CudaTestSupport.backend();
    }

    /** Normal values rounded to halves (ties everywhere), one NaN and one -inf 3x3 patch in plane 0. */
    private static Tensor input(RandomTensors rnd, int[] c) {
        Tensor x = rnd.normal(c[0], c[1], c[2], c[3]);
        float[] f = x.floats();
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.round(f[i] * 2) / 2f;
        }
        int h = c[2];
        int w = c[3];
        for (int y = 0; y < Math.min(3, h); y++) {
            for (int xx = 0; xx < Math.min(3, w); xx++) {
                f[y * w + xx] = Float.NEGATIVE_INFINITY;
            }
        }
        if (f.length > 12) {
            f[f.length - 5] = Float.NaN;
        }
        return x;
    }

    @Test
    void kernelsMatchJava() {
        RandomTensors rnd = new RandomTensors();
        CudaDevice dev = CudaTestSupport.device();
        for (int[] c : CASES) {
            String what = java.util.Arrays.toString(c) + " seed " + rnd.seed();
            int planes = c[0] * c[1];
            int oh = MaxPool.outSize(c[2], c[4], c[5], c[6]);
            int ow = MaxPool.outSize(c[3], c[4], c[5], c[6]);
            Tensor x = input(rnd, c);
            Tensor g = rnd.normal(c[0], c[1], oh, ow);
            int[] argmax = new int[planes * oh * ow];
            double[] y = MaxPool.forward(doubles(x), planes, c[2], c[3], c[4], c[5], c[6], argmax);
            double[] gi = MaxPool.backward(doubles(g), argmax, planes, c[2], c[3], oh, ow);
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor dx = cuda().toDevice(x); Tensor dg = cuda().toDevice(g);
                        Tensor out = CudaTestSupport.poisoned(DType.F32, c[0], c[1], oh, ow);
                        Tensor arg = CudaTestSupport.poisoned(DType.I32, c[0], c[1], oh, ow);
                        Tensor dgi = CudaTestSupport.poisoned(DType.F32, c[0], c[1], c[2], c[3])) {
                    CudaTestSupport.poison(arg.deviceBuffer(), ARGMAX_POISON);
                    MaxPoolKernels.forward(dev, dx.deviceBuffer(), planes, c[2], c[3], c[4], c[5], c[6],
                            out.deviceBuffer(), arg.deviceBuffer());
                    assertExact(what + " output", f32(y, c[0], c[1], oh, ow), cuda().toHost(out));
                    assertExact(what + " argmax", Tensor.ofInts(argmax, c[0], c[1], oh, ow), cuda().toHost(arg));
                    MaxPoolKernels.backward(dev, dg.deviceBuffer(), arg.deviceBuffer(), planes, c[2], c[3], c[4],
                            c[5], c[6], dgi.deviceBuffer());
                    assertClose(what + " grad", f32(gi, c[0], c[1], c[2], c[3]), cuda().toHost(dgi), GRADIENT);
                }
            });
        }
    }

    @Test
    void autogradMatchesCpu() {
        RandomTensors rnd = new RandomTensors();
        CudaTestSupport.assertNoLeak("autograd", () -> {
            for (int[] c : CASES) {
                CpuCudaCompare.compare(java.util.Arrays.toString(c) + " seed " + rnd.seed(),
                        (b, v) -> Nn.maxPool2d(v[0], c[4], c[5], c[6]), input(rnd, c));
            }
        });
    }

    /** No planes (N = 0): an empty output and gradient, no launch. */
    @Test
    void emptyBatch() {
        CudaTestSupport.assertNoLeak("empty batch", () -> {
            try (Scope s = Scope.open()) {
                Var x = Var.param(cuda(), cuda().toDevice(Tensor.zeros(DType.F32, 0, 3, 7, 6)));
                Var y = Nn.maxPool2d(x, 3, 2, 1);
                assertArrayEquals(new int[] {0, 3, 4, 3}, y.shape());
                Ops.sum(y).backward();
                assertArrayEquals(new int[] {0, 3, 7, 6}, x.grad().shape());
            }
        });
    }

    @Test
    void badArgumentsNameThemselves() {
        CudaDevice dev = CudaTestSupport.device();
        try (Tensor x = CudaTestSupport.poisoned(DType.F32, 1, 1, 4, 4);
                Tensor out = CudaTestSupport.poisoned(DType.F32, 1, 1, 2, 2);
                Tensor arg = CudaTestSupport.poisoned(DType.I32, 1, 1, 2, 2)) {
            assertMessageNames("padding", () -> MaxPoolKernels.forward(dev, x.deviceBuffer(), 1, 4, 4, 2, 2, 2,
                    out.deviceBuffer(), arg.deviceBuffer()));
            assertMessageNames("kernel_size 5", () -> MaxPoolKernels.forward(dev, x.deviceBuffer(), 1, 4, 4, 5, 1, 0,
                    out.deviceBuffer(), arg.deviceBuffer()));
            assertMessageNames("planes", () -> MaxPoolKernels.backward(dev, out.deviceBuffer(), arg.deviceBuffer(),
                    -1, 4, 4, 2, 2, 0, x.deviceBuffer()));
        }
    }
}
