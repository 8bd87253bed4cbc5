package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.assertClose;
import static org.rcnn4j.testing.TensorAssert.assertExact;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * cuda/upsample.cu against the CPU backend on fresh random inputs with poisoned cached blocks: integer,
 * non-integer and shrinking ratios; the gradient is a gather on the device and a scatter on the host.
 */
class UpsampleCudaTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({"2, 3, 5, 7, 13, 9", "1, 2, 4, 6, 8, 12", "1, 4, 6, 5, 4, 3", "2, 1, 7, 13, 25, 38", "1, 1, 1, 1, 3, 2",
            "0, 2, 3, 3, 5, 5"})
    void matchesTheCpuBackend(int n, int c, int h, int w, int oh, int ow) {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.normal(n, c, h, w);
        Tensor g = rnd.normal(n, c, oh, ow);
        String what = n + "x" + c + "x" + h + "x" + w + " -> " + oh + "x" + ow + " seed " + rnd.seed();
        Tensor y = cpu.channels().upsampleNearest(x, oh, ow);
        Tensor gx = cpu.channels().upsampleNearestBackward(g, x.shape());
        CudaTestSupport.assertNoLeak(what, () -> {
            try (Tensor dx = cuda.toDevice(x); Tensor dg = cuda.toDevice(g)) {
                Conv2dCudaTest.poisonCache(cuda, DType.F32, y.shape(), x.shape());
                try (Tensor out = cuda.channels().upsampleNearest(dx, oh, ow)) {
                    assertExact(what + " forward", y, cuda.toHost(out));
                }
                Conv2dCudaTest.poisonCache(cuda, DType.F32, y.shape(), x.shape());
                try (Tensor out = cuda.channels().upsampleNearestBackward(dg, x.shape())) {
                    assertClose(what + " backward", gx, cuda.toHost(out), FORWARD);
                }
            }
        });
    }
}
