package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.onednn.OneDnn;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * matmul in a backend on oneDNN ({@link OneDnnMatmul}) against the reference's own GEMM, on fresh random inputs in
 * every transposition; repeats bit for bit; the reference never goes there. Skips, saying why, without oneDNN
 * (fails under -Drcnn4j.test.onednn=require).
 */
class OneDnnMatmulTest {
    private final CpuBackend reference = CpuBackend.reference();
    private final CpuBackend oneDnn = new CpuBackend(true);

    /** m, n, k: vectors, odd sizes, and the demo box head's fc6 shape scaled down (RoIs x 256 x 64*7*7). */
    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "1,300,77", "300,1,77", "37,45,300", "64,256,3136", "130,64,600"})
    void agreesWithTheReference(int m, int n, int k) {
        OneDnnGemmTest.requireOneDnn();
        OneDnnGemmTest.forEachTransposition(m, n, k, (a, b, ta, tb, what) -> {
            Tensor want = reference.linalg().matmul(a, b, ta, tb);
            Tensor got = oneDnn.linalg().matmul(a, b, ta, tb);
            TensorAssert.assertClose(what, want, got, TensorAssert.FORWARD);
            TensorAssert.assertExact(what + " repeat", got, oneDnn.linalg().matmul(a, b, ta, tb));
        });
    }

    /** k = 0: zeros, without calling oneDNN (which refuses a leading dimension of 0). */
    @Test
    void anEmptyInnerDimensionGivesZeros() {
        OneDnnGemmTest.requireOneDnn();
        Tensor got = oneDnn.linalg().matmul(Tensor.zeros(DType.F32, 3, 0),
                Tensor.zeros(DType.F32, 0, 4), false, false);
        TensorAssert.assertExact("3x0 . 0x4", Tensor.zeros(DType.F32, 3, 4), got);
    }

    /** The reference's matmul is rcnn4j's own GEMM, bit for bit, whatever oneDNN is installed. */
    @Test
    void theReferenceStaysOnRcnn4jsGemm() {
        RandomTensors rnd = new RandomTensors();
        Tensor a = rnd.uniform(-1, 1, 40, 300);
        Tensor b = rnd.uniform(-1, 1, 300, 50);
        TensorAssert.assertExact("reference (seed " + rnd.seed() + ")", GemmCpu.matmul(a, b, false, false, false),
                reference.linalg().matmul(a, b, false, false));
    }

    /** Each call runs on the backend's thread count of OpenMP threads, as its convolutions do. */
    @Test
    void runsOnTheBackendsThreadCount() {
        OneDnnGemmTest.requireOneDnn();
        Assumptions.assumeTrue(OneDnn.status().runtime().equals("OpenMP"),
                "skipped: oneDNN runs on " + OneDnn.status().runtime() + ", whose thread count rcnn4j cannot set");
        RandomTensors rnd = new RandomTensors();
        Tensor a = rnd.uniform(-1, 1, 64, 64);
        OneDnn.sgemm(false, false, 1, 1, 1, 1f, new float[1], 0, 1, new float[1], 0, 1, 0f, new float[1], 0, 1,
                GemmParallel.threads() + 1);
        oneDnn.linalg().matmul(a, a, false, false);
        assertEquals(GemmParallel.threads(), OneDnn.threadsOfCallingThread());
    }
}
