package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.AvgPool;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.AvgPoolKernels;
import org.rcnn4j.nn.functional.AdaptivePool;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CpuCudaCompare;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/avg_pool.cu against the CPU backend's adaptive_avg_pool2d on fresh random inputs, outputs poisoned before
 * each launch: both sum in double in the same order, so forward and gradient must agree bit for bit, on shrinking,
 * identity, growing (overlapping windows) and non-dividing sizes.
 */
class AvgPoolCudaTest {
    /** n, c, h, w, oh, ow. */
    private static final int[][] CASES = {
        {2, 3, 14, 14, 7, 7}, // VGG's classifier input: 2x2 windows
        {1, 2, 13, 9, 7, 7}, // windows of 2 and 3 rows, overlapping where the division is not exact
        {1, 4, 5, 5, 7, 7}, // growing: every input in several cells
        {2, 1, 6, 8, 6, 8}, // identity
        {1, 3, 11, 4, 1, 1}, // global average
        {1, 1, 1, 1, 3, 2},
    };

    private static Backend cuda() {
        return CudaTestSupport.backend();
    }

    @Test
    void kernelsMatchJava() {
        RandomTensors rnd = new RandomTensors();
        CudaDevice dev = CudaTestSupport.device();
        AvgPool cpu = new CpuBackend().avgPool();
        for (int[] c : CASES) {
            String what = Arrays.toString(c) + " seed " + rnd.seed();
            int planes = c[0] * c[1];
            Tensor x = rnd.normal(c[0], c[1], c[2], c[3]);
            Tensor g = rnd.normal(c[0], c[1], c[4], c[5]);
            Tensor expected = cpu.adaptiveAvgPool2d(x, c[4], c[5]);
            Tensor expectedGrad = cpu.adaptiveAvgPool2dBackward(g, x.shape());
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor dx = cuda().toDevice(x); Tensor dg = cuda().toDevice(g);
                        Tensor out = CudaTestSupport.poisoned(DType.F32, c[0], c[1], c[4], c[5]);
                        Tensor dgi = CudaTestSupport.poisoned(DType.F32, c[0], c[1], c[2], c[3])) {
                    AvgPoolKernels.forward(dev, dx.deviceBuffer(), planes, c[2], c[3], c[4], c[5], out.deviceBuffer());
                    assertExact(what + " output", expected, cuda().toHost(out));
                    AvgPoolKernels.backward(dev, dg.deviceBuffer(), planes, c[2], c[3], c[4], c[5],
                            dgi.deviceBuffer());
                    assertExact(what + " grad", expectedGrad, cuda().toHost(dgi));
                }
            });
        }
    }

    @Test
    void autogradMatchesCpu() {
        RandomTensors rnd = new RandomTensors();
        CudaTestSupport.assertNoLeak("autograd", () -> {
            for (int[] c : CASES) {
                CpuCudaCompare.compare(Arrays.toString(c) + " seed " + rnd.seed(),
                        (b, v) -> AdaptivePool.avgPool2d(v[0], c[4], c[5]), rnd.normal(c[0], c[1], c[2], c[3]));
            }
        });
    }

    /** Both backends refuse a gradient that does not fit the input, by name. */
    @Test
    void badArgumentsNameThemselves() {
        CudaDevice dev = CudaTestSupport.device();
        try (Tensor x = CudaTestSupport.poisoned(DType.F32, 1, 2, 4, 4);
                Tensor g = CudaTestSupport.poisoned(DType.F32, 1, 3, 2, 2)) {
            assertMessageNames("grad_output", () -> cuda().avgPool().adaptiveAvgPool2dBackward(g, x.shape()));
            assertMessageNames("grad_output", () -> new CpuBackend().avgPool().adaptiveAvgPool2dBackward(
                    Tensor.zeros(DType.F32, 1, 3, 2, 2), x.shape()));
            assertMessageNames("output_height", () -> cuda().avgPool().adaptiveAvgPool2d(x, 0, 2));
            assertMessageNames("oh=0", () -> AvgPoolKernels.forward(dev, x.deviceBuffer(), 2, 4, 4, 0, 2,
                    g.deviceBuffer()));
        }
    }
}
