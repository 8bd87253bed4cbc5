package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
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
 * The CPU backend's F32 GEMM through oneDNN ({@link OneDnnGemm}, -Drcnn4j.onednn.gemm): the switch, and with oneDNN
 * installed, matmul and rcnn4j's im2col conv2d (oneDNN's own convolutions off: forward and both gradients, every
 * route: batched, per image, col2im, as a convolution, grouped, pointwise) against rcnn4j's own GEMM on fresh random
 * inputs, and bit-identical repeats.
 */
class OneDnnGemmTest {
    /** The reference: its matmul goes through SgemmDriver, which the switch routes (never OneDnnMatmul). */
    private final CpuBackend cpu = CpuBackend.reference();

    private static final Supplier<OneDnn.Status> MISSING =
            () -> new OneDnn.Status(null, null, null, null, false, false, null, null, "no usable libdnnl.so.3 (test)");

    @Test
    void falseNeverOpensOneDnnAndAutoFallsBack() {
        Supplier<OneDnn.Status> mustNotAsk = () -> {
            throw new AssertionError("asked for oneDNN with the switch off");
        };
        assertFalse(OneDnnGemm.SWITCH.resolve(null, mustNotAsk));
        assertFalse(OneDnnGemm.SWITCH.resolve("false", mustNotAsk));
        assertFalse(OneDnnGemm.SWITCH.resolve(" OFF ", mustNotAsk));
        assertFalse(OneDnnGemm.SWITCH.resolve("auto", MISSING));
    }

    @Test
    void trueWithoutTheLibraryIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OneDnnGemm.SWITCH.resolve("true", MISSING));
        assertEquals("-Drcnn4j.onednn.gemm=true, but oneDNN not loaded: no usable libdnnl.so.3 (test) (use "
                + "-Drcnn4j.onednn.gemm=auto to fall back to rcnn4j's own GEMM)", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> OneDnnGemm.SWITCH.resolve("maybe", MISSING));
        assertEquals("-Drcnn4j.onednn.gemm: expected auto, true or false, got 'maybe'", bad.getMessage());
    }

    @Test
    void theDefaultIsRcnn4jsOwnGemm() {
        Assumptions.assumeTrue(System.getProperty(OneDnnGemm.PROPERTY) == null,
                "skipped: -D" + OneDnnGemm.PROPERTY + " is set for this run");
        assertFalse(OneDnnGemm.enabled());
        assertFalse(SgemmDriver.get().viaOneDnn());
        assertTrue(cpu.describe().contains("F32 GEMM in Java (-Drcnn4j.onednn.gemm=false)"), cpu.describe());
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "37,45,300", "5,700,513", "300,7,9", "130,64,600", "64,1,77"})
    void matmulAgreesWithRcnn4jsGemm(int m, int n, int k) {
        requireOneDnn();
        forEachTransposition(m, n, k, (a, b, ta, tb, what) -> {
            Tensor want = cpu.linalg().matmul(a, b, ta, tb);
            Tensor got = withOneDnn(() -> cpu.linalg().matmul(a, b, ta, tb));
            TensorAssert.assertClose(what, want, got, TensorAssert.FORWARD);
            Tensor again = withOneDnn(() -> cpu.linalg().matmul(a, b, ta, tb));
            TensorAssert.assertExact(what + " repeat", got, again);
        });
    }

    /** A matmul case: op(a) is m x k, op(b) k x n; {@code what} names the sizes, transpositions and seed. */
    @FunctionalInterface
    interface MatmulCase {
        void run(Tensor a, Tensor b, boolean transposeA, boolean transposeB, String what);
    }

    /** Runs {@code body} on fresh random operands in each of the four transpositions. */
    static void forEachTransposition(int m, int n, int k, MatmulCase body) {
        RandomTensors rnd = new RandomTensors();
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            Tensor a = ta ? rnd.uniform(-1, 1, k, m) : rnd.uniform(-1, 1, m, k);
            Tensor b = tb ? rnd.uniform(-1, 1, n, k) : rnd.uniform(-1, 1, k, n);
            body.run(a, b, ta, tb, m + "x" + n + "x" + k + (ta ? " A^T" : "") + (tb ? " B^T" : "") + " (seed "
                    + rnd.seed() + ")");
        }
    }

    /** n, c, h, w, o, k, stride, pad, dilation, groups: each route of Conv2dCpu and Conv2dBatched. */
    @ParameterizedTest
    @CsvSource({
            "2, 16, 11, 13, 24, 3, 1, 1, 1, 1",   // stride 1: input gradient as a convolution
            "3, 8, 9, 10, 12, 3, 2, 1, 1, 1",     // stride 2: col2im, batched (small maps)
            "1, 8, 23, 21, 12, 3, 2, 1, 1, 1",    // one image: per-image GEMMs, col2im
            "2, 12, 8, 8, 12, 3, 1, 2, 2, 3",     // grouped, dilated
            "4, 16, 6, 7, 8, 1, 1, 0, 1, 1",      // pointwise
            "2, 3, 37, 41, 8, 7, 2, 3, 1, 1",     // the stem's 7x7 stride 2
            "4, 8, 40, 40, 16, 3, 1, 1, 1, 1",    // weight gradient over 6400 pixels: several K blocks
            "1, 64, 128, 128, 8, 3, 2, 1, 1, 1"}) // col2im of 576 rows x 4096 columns: several N blocks
    void conv2dAgreesWithRcnn4jsGemm(int n, int c, int h, int w, int o, int k, int stride, int pad, int dil,
            int groups) {
        requireOneDnn();
        RandomTensors rnd = new RandomTensors();
        Conv2dParams p = Conv2dParams.of(stride, pad, dil, groups);
        Tensor x = rnd.uniform(-1, 1, n, c, h, w);
        Tensor wt = rnd.uniform(-1, 1, o, c / groups, k, k);
        Tensor bias = rnd.uniform(-1, 1, o);
        String what = "conv " + n + "x" + c + "x" + h + "x" + w + " -> " + o + " k" + k + " s" + stride + " p" + pad
                + " d" + dil + " g" + groups + " (seed " + rnd.seed() + ")";
        CpuBackend cpu = CpuBackend.reference();
        Tensor y = cpu.conv().conv2d(x, wt, bias, p);
        Tensor dy = rnd.uniform(-1, 1, y.shape());
        Conv2dGrads g = cpu.conv().conv2dBackward(dy, x, wt, p, true);
        Tensor y1 = withOneDnn(() -> cpu.conv().conv2d(x, wt, bias, p));
        Conv2dGrads g1 = withOneDnn(() -> cpu.conv().conv2dBackward(dy, x, wt, p, true));
        TensorAssert.assertClose(what + " y", y, y1, TensorAssert.FORWARD);
        TensorAssert.assertClose(what + " dx", g.gradInput(), g1.gradInput(), TensorAssert.GRADIENT);
        TensorAssert.assertClose(what + " dw", g.gradWeight(), g1.gradWeight(), TensorAssert.GRADIENT);
        TensorAssert.assertExact(what + " db", g.gradBias(), g1.gradBias());
        // the same inputs again: the same bits
        Tensor y2 = withOneDnn(() -> cpu.conv().conv2d(x, wt, bias, p));
        Conv2dGrads g2 = withOneDnn(() -> cpu.conv().conv2dBackward(dy, x, wt, p, true));
        TensorAssert.assertExact(what + " y repeat", y1, y2);
        TensorAssert.assertExact(what + " dx repeat", g1.gradInput(), g2.gradInput());
        TensorAssert.assertExact(what + " dw repeat", g1.gradWeight(), g2.gradWeight());
    }

    @Test
    void describeNamesTheVersionWhenOn() {
        requireOneDnn();
        String d = withOneDnn(cpu::describe);
        String version = OneDnn.status().version();
        assertTrue(d.contains("oneDNN " + version + " ("), d);
        assertTrue(d.contains("F32 GEMM on oneDNN's sgemm, single-threaded blocks on " + GemmParallel.threads()
                + " threads"), d);
        assertTrue(withOneDnn(() -> SgemmDriver.get().viaOneDnn()));
    }

    /** Each oneDNN call runs on one thread, inside rcnn4j's tasks: OpenMP never adds threads of its own. */
    @Test
    void oneDnnRunsSingleThreadedInsideRcnn4jsTasks() {
        requireOneDnn();
        Assumptions.assumeTrue(OneDnn.status().runtime().equals("OpenMP"),
                "skipped: oneDNN runs on " + OneDnn.status().runtime() + ", whose thread count rcnn4j cannot set");
        RandomTensors rnd = new RandomTensors();
        Tensor a = rnd.uniform(-1, 1, 64, 64);
        OneDnn.sgemm(false, false, 1, 1, 1, 1f, new float[1], 0, 1, new float[1], 0, 1, 0f, new float[1], 0, 1, 2);
        assertEquals(2, OneDnn.threadsOfCallingThread());
        withOneDnn(() -> cpu.linalg().matmul(a, a, false, false));
        assertEquals(1, OneDnn.threadsOfCallingThread());
    }

    private static <T> T withOneDnn(Supplier<T> body) {
        boolean before = OneDnnGemm.SWITCH.use(true);
        try {
            return body.get();
        } finally {
            OneDnnGemm.SWITCH.use(before);
        }
    }

    /** rcnn4j.test.onednn=require (CI with libdnnl2): fail without oneDNN; else skip, saying why. */
    static void requireOneDnn() {
        OneDnn.Status s = OneDnn.status();
        if (System.getProperty("rcnn4j.test.onednn", "auto").trim().equals("require")) {
            Assertions.assertTrue(s.loaded(), "rcnn4j.test.onednn=require, but " + s.describe());
        }
        Assumptions.assumeTrue(s.loaded(), "skipped: needs oneDNN (libdnnl.so.3 or .so.2): " + s.describe());
    }
}
