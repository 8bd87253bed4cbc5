package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

class GemmCpuTest {
    private final CpuBackend cpu = new CpuBackend();

    @ParameterizedTest
    @CsvSource({"conv_matmul, nn, false, false", "conv_matmul, nt, false, true", "conv_matmul, tn, true, false",
            "conv_matmul, tt, true, true", "conv_matmul, vector, false, false",
            "conv_matmul_large, nn, false, false", "conv_matmul_large, tt, true, true"})
    void matchesTorchInF32AndF64(String file, String name, boolean ta, boolean tb) {
        Map<String, Tensor> f = Fixtures.load(file);
        Tensor a = f.get(name + ".a");
        Tensor b = f.get(name + ".b");
        Tensor expected = f.get(name + ".c");
        TensorAssert.assertClose(name + " f32", expected, cpu.linalg().matmul(a, b, ta, tb), TensorAssert.FORWARD);
        Tensor c64 = cpu.linalg().matmul(ConvTestData.toF64(a), ConvTestData.toF64(b), ta, tb);
        assertEquals(DType.F64, c64.dtype());
        TensorAssert.assertClose(name + " f64", expected, c64, TensorAssert.FORWARD);
    }

    @Test
    void vectorKernelIsWiredIn() {
        // surefire runs with --add-modules jdk.incubator.vector, as every launcher should
        assertTrue(SgemmKernel.best() instanceof SgemmVectorKernel,
                "expected the Vector API kernel, got " + SgemmKernel.best().describe());
    }

    @Test
    void warmUpHandsOverToTheVectorKernel() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(SgemmDriver.get().kernel() instanceof SgemmVectorKernel) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(SgemmDriver.get().kernel() instanceof SgemmVectorKernel,
                "still on " + SgemmDriver.get().kernel().describe() + " after 120 s of warm-up");
        SgemmKernel scalar = new SgemmScalarKernel();
        assertTrue(SgemmWarmUp.start(scalar, k -> { }).kernel() == scalar, "the scalar kernel needs no warm-up");
    }

    /** Both micro-kernels, both work splits (M > N splits rows), K blocks, edge tiles, against float64. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "1,7,3", "7,5,3", "6,32,256", "12,64,257", "37,45,300", "100,20,33", "5,700,513",
            "300,7,9", "64,130,1", "130,64,600"})
    void agreesWithFloat64OnRandomShapes(int m, int n, int k) {
        RandomTensors rnd = new RandomTensors();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? rnd.normal(k, m) : rnd.normal(m, k);
                Tensor b = tb ? rnd.normal(n, k) : rnd.normal(k, n);
                Tensor expected = cpu.linalg().matmul(ConvTestData.toF64(a), ConvTestData.toF64(b), ta, tb);
                String what = "seed " + rnd.seed() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
                TensorAssert.assertClose(what, expected, cpu.linalg().matmul(a, b, ta, tb), TensorAssert.FORWARD);
                for (SgemmKernel kernel : new SgemmKernel[] {new SgemmScalarKernel(), new SgemmVectorKernel()}) {
                    for (boolean parallel : new boolean[] {false, true}) {
                        float[] c = new float[m * n];
                        java.util.Arrays.fill(c, 0.5f);
                        new SgemmDriver(kernel).multiply(m, n, k,
                                SgemmPack.a(a.floats(), 0, ta ? 1 : k, ta ? m : 1),
                                SgemmPack.b(b.floats(), 0, tb ? 1 : n, tb ? k : 1), c, 0, n, parallel);
                        double[] e = expected.doubles().clone();
                        for (int i = 0; i < e.length; i++) {
                            e[i] += 0.5; // the driver accumulates into C
                        }
                        TensorAssert.assertClose(what + " " + kernel.describe() + " parallel=" + parallel,
                                Tensor.ofDoubles(e, m, n), Tensor.ofFloats(c, m, n), TensorAssert.FORWARD);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F64"})
    void emptyExtents(String dtype) {
        DType d = DType.valueOf(dtype);
        Tensor k0 = cpu.linalg().matmul(Tensor.zeros(d, 3, 0), Tensor.zeros(d, 0, 4), false, false);
        TensorAssert.assertShape("k=0", k0, 3, 4);
        TensorAssert.assertExact("k=0 gives zeros", Tensor.zeros(d, 3, 4), k0);
        TensorAssert.assertShape("m=0", cpu.linalg().matmul(Tensor.zeros(d, 0, 5), Tensor.zeros(d, 5, 4), false,
                false), 0, 4);
        TensorAssert.assertShape("n=0", cpu.linalg().matmul(Tensor.zeros(d, 2, 5), Tensor.zeros(d, 0, 5), false, true),
                2, 0);
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor a = Tensor.zeros(DType.F32, 2, 3);
        assertMessage("b:", () -> cpu.linalg().matmul(a, Tensor.zeros(DType.F32, 4, 5), false, false));
        assertMessage("b:", () -> cpu.linalg().matmul(a, Tensor.zeros(DType.F32, 3, 5), false, true));
        assertMessage("a:", () -> cpu.linalg().matmul(Tensor.zeros(DType.F32, 2, 3, 1), a, false, false));
        assertMessage("b:", () -> cpu.linalg().matmul(a, Tensor.zeros(DType.F32, 3), false, false));
        assertMessage("b:", () -> cpu.linalg().matmul(a, Tensor.zeros(DType.F64, 3, 2), false, false));
        assertMessage("a:", () -> cpu.linalg().matmul(Tensor.zeros(DType.I64, 2, 3), Tensor.zeros(DType.I64, 3, 2),
                false, false));
        assertMessage("a:", () -> cpu.linalg().matmul(null, a, false, false));
    }

    static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), "message should start with '" + prefix + "': " + e.getMessage());
    }
}
