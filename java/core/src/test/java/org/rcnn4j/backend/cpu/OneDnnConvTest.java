package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.onednn.OneDnn;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * The CPU backend's convolutions through oneDNN's primitives ({@link OneDnnConv}, -Drcnn4j.onednn): the switch, and
 * with oneDNN 2.x or 3.x installed, conv2d forward, both gradients and the lone input and weight gradients against
 * rcnn4j's own im2col convolutions on fresh random inputs (a large map among them, after which the smaller problems
 * run on the binding's grown workspace), and bit-identical repeats.
 */
class OneDnnConvTest {
    private final CpuBackend cpu = new CpuBackend();
    private final CpuBackend java = CpuBackend.reference();
    private final CpuBackend oneDnn = new CpuBackend(true);

    @Test
    void autoIsTheDefaultAndFallsBackWithoutConvolutions() {
        Supplier<OneDnn.Status> sgemmOnly =
                () -> new OneDnn.Status("libdnnl.so.3", "3.4.0", "N/A", "OpenMP", true, false, null,
                        "GOMP_SPINCOUNT=10000", null);
        assertFalse(OneDnnConv.SWITCH.resolve(null, sgemmOnly));
        assertFalse(OneDnnConv.SWITCH.resolve("false", () -> {
            throw new AssertionError("asked for oneDNN with the switch off");
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OneDnnConv.SWITCH.resolve("true", sgemmOnly));
        assertEquals("-Drcnn4j.onednn=true, but oneDNN 3.4.0 (libdnnl.so.3, OpenMP, idle spin: GOMP_SPINCOUNT=10000, "
                + "sgemm only: no convolution API) (use -Drcnn4j.onednn=auto to fall back to rcnn4j's own "
                + "convolutions)", e.getMessage());
        Assumptions.assumeTrue(System.getProperty(OneDnnConv.PROPERTY) == null,
                "skipped: -D" + OneDnnConv.PROPERTY + " is set for this run");
        OneDnn.Status s = OneDnn.status();
        assertEquals(s.loaded() && s.convolutions(), OneDnnConv.enabled());
        assertTrue(cpu.describe().contains(OneDnnConv.enabled() ? "F32 convolutions and matmul on oneDNN "
                : "F32 convolutions and matmul in Java (-Drcnn4j.onednn=auto; "), cpu.describe());
        assertTrue(java.describe().contains("F32 convolutions and matmul in Java ("), java.describe());
    }

    /** n, c, h, w, o, k, stride, pad, dilation, groups. */
    @ParameterizedTest
    @CsvSource({
            "2, 16, 11, 13, 24, 3, 1, 1, 1, 1",
            "3, 8, 9, 10, 12, 3, 2, 1, 1, 1",
            "1, 8, 23, 21, 12, 3, 2, 1, 1, 1",
            "2, 12, 8, 8, 12, 3, 1, 2, 2, 3",
            "2, 8, 7, 7, 8, 3, 1, 1, 1, 8",
            "4, 16, 6, 7, 8, 1, 1, 0, 1, 1",
            "1, 64, 200, 304, 64, 1, 1, 0, 1, 1",
            "2, 3, 37, 41, 8, 7, 2, 3, 1, 1",
            "32, 96, 4, 4, 128, 3, 2, 1, 1, 1",
            "1, 64, 50, 38, 64, 3, 1, 1, 1, 1"})
    void agreesWithRcnn4jsOwnConvolutions(int n, int c, int h, int w, int o, int k, int stride, int pad, int dil,
            int groups) {
        OneDnnGemmTest.requireOneDnn();
        requireConvolutions();
        RandomTensors rnd = new RandomTensors();
        Conv2dParams p = Conv2dParams.of(stride, pad, dil, groups);
        Tensor x = rnd.uniform(-1, 1, n, c, h, w);
        Tensor wt = rnd.uniform(-1, 1, o, c / groups, k, k);
        Tensor bias = rnd.uniform(-1, 1, o);
        String what = "conv " + n + "x" + c + "x" + h + "x" + w + " -> " + o + " k" + k + " s" + stride + " p" + pad
                + " d" + dil + " g" + groups + " (seed " + rnd.seed() + ")";
        Tensor y = java.conv().conv2d(x, wt, bias, p);
        Tensor dy = rnd.uniform(-1, 1, y.shape());
        Conv2dGrads g = java.conv().conv2dBackward(dy, x, wt, p, true);
        Tensor y1 = oneDnn.conv().conv2d(x, wt, bias, p);
        Tensor y0 = oneDnn.conv().conv2d(x, wt, null, p);
        Conv2dGrads g1 = oneDnn.conv().conv2dBackward(dy, x, wt, p, true);
        Tensor dx = oneDnn.conv().conv2dGradInput(dy, wt, x.shape(), p);
        Tensor dw = oneDnn.conv().conv2dGradWeight(dy, x, wt.shape(), p);
        TensorAssert.assertClose(what + " y", y, y1, TensorAssert.FORWARD);
        TensorAssert.assertClose(what + " y without bias", java.conv().conv2d(x, wt, null, p), y0,
                TensorAssert.FORWARD);
        TensorAssert.assertClose(what + " dx", g.gradInput(), g1.gradInput(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(what + " dw", g.gradWeight(), g1.gradWeight(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(what + " db", g.gradBias(), g1.gradBias(), TensorAssert.GRADIENT);
        TensorAssert.assertExact(what + " dx alone", g1.gradInput(), dx);
        TensorAssert.assertExact(what + " dw alone", g1.gradWeight(), dw);
        TensorAssert.assertExact(what + " y repeat", y1, oneDnn.conv().conv2d(x, wt, bias, p));
        Conv2dGrads g2 = oneDnn.conv().conv2dBackward(dy, x, wt, p, true);
        TensorAssert.assertExact(what + " dx repeat", g1.gradInput(), g2.gradInput());
        TensorAssert.assertExact(what + " dw repeat", g1.gradWeight(), g2.gradWeight());
    }

    @Test
    void float64StaysInJava() {
        OneDnnGemmTest.requireOneDnn();
        RandomTensors rnd = new RandomTensors();
        Conv2dParams p = Conv2dParams.of(1, 1, 1, 1);
        Tensor x = Tensor.ofDoubles(rnd.random().doubles(50, -1, 1).toArray(), 1, 2, 5, 5);
        Tensor wt = Tensor.ofDoubles(rnd.random().doubles(54, -1, 1).toArray(), 3, 2, 3, 3);
        TensorAssert.assertExact("F64 conv", java.conv().conv2d(x, wt, null, p), oneDnn.conv().conv2d(x, wt, null, p));
    }

    /**
     * Skips, saying why, where oneDNN's convolutions are not used; fails instead with
     * -Drcnn4j.test.onednn.convolutions=require (tools/test_onednn3.sh).
     */
    static void requireConvolutions() {
        OneDnn.Status s = OneDnn.status();
        if (System.getProperty("rcnn4j.test.onednn.convolutions", "").trim().equals("require")) {
            assertTrue(s.convolutions(), "rcnn4j.test.onednn.convolutions=require, but " + s.describe());
        }
        Assumptions.assumeTrue(s.convolutions(), "skipped: needs oneDNN's convolutions: " + s.describe());
    }

    @Test
    void closingTheBackendFreesTheThreadsWorkspace() throws Exception {
        OneDnnGemmTest.requireOneDnn();
        requireConvolutions();
        RandomTensors rnd = new RandomTensors();
        Tensor x = rnd.uniform(-1, 1, 2, 16, 40, 30);
        Tensor wt = rnd.uniform(-1, 1, 32, 16, 3, 3);
        long before = OneDnn.workspaceBytes();
        long[] held = new long[2];
        Thread worker = new Thread(() -> {
            CpuBackend backend = new CpuBackend(true);
            backend.conv().conv2d(x, wt, null, Conv2dParams.of(1, 1, 1, 1));
            held[0] = OneDnn.workspaceBytes() - before;
            backend.close();
            held[1] = OneDnn.workspaceBytes() - before;
        });
        worker.start();
        worker.join();
        assertTrue(held[0] > 0, "a convolution on oneDNN holds a workspace: " + held[0]);
        assertEquals(0, held[1], "close() frees the calling thread's workspace");
    }

    @Test
    void emptyBatchesStayInJava() {
        OneDnnGemmTest.requireOneDnn();
        Tensor x = Tensor.zeros(org.rcnn4j.tensor.DType.F32, 0, 3, 5, 5);
        Tensor wt = new RandomTensors().uniform(-1, 1, 4, 3, 3, 3);
        assertArrayEquals(new int[] {0, 4, 5, 5}, oneDnn.conv().conv2d(x, wt, null, Conv2dParams.of(1, 1, 1, 1))
                .shape());
    }
}
