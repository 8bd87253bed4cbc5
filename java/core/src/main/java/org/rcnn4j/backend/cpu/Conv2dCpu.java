package org.rcnn4j.backend.cpu;

import java.util.function.IntFunction;
import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * conv2d and its gradients on the host. Per image n and group g, with im2col matrix X (kc x p) of that image:
 * Y_g = W_g·X (+ bias), dX = col2im(W_g^T·dY_g), dW_g = sum over n of dY_g·X^T, db = sum of dY. F32 runs these
 * through {@link SgemmDriver} with X packed straight from the image ({@link Conv2dPack}); F64 (gradient checks)
 * through {@link Conv2dF64}.
 *
 * <p>Without groups, the gradients of a batch (and the forward pass of small maps) are one GEMM per product
 * ({@link Conv2dBatched}) whose columns run over every image's pixels. Grouped convolutions stay per image and
 * group, those units side by side on the cores. A stride-1 input gradient skips col2im: it is the forward
 * convolution of dY with turned weights ({@link Conv2dGradInputAsConv}).
 *
 * <p>With {@code oneDnn} (the backend's choice: {@link OneDnnConv}, the default where oneDNN 2.x or 3.x loads),
 * every F32 pass goes to oneDNN's convolutions instead, whole.
 */
final class Conv2dCpu {
    /**
     * The forward pass goes over the batch in one GEMM only for maps of fewer output pixels: from 16x16 on, whole
     * per-image GEMMs side by side on the cores measured 5..15% faster, while the gradients were as fast or faster
     * batched at every size measured (2026-12-05, 2 cores).
     */
    private static final int BATCHED_FORWARD_BELOW = 128;

    private Conv2dCpu() {
    }

    static Tensor forward(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, boolean oneDnn) {
        Conv2dShape s = Conv2dShape.of(input, weight, bias, params);
        if (input.dtype() == DType.F64) {
            return Conv2dF64.forward(s, input.doubles(), weight.doubles(), bias == null ? null : bias.doubles());
        }
        Tensor out = Tensor.zeros(DType.F32, s.outputShape());
        float[] y = out.floats();
        if (OneDnnConv.applies(s, oneDnn)) {
            OneDnnConv.forward(s, input.floats(), weight.floats(), bias == null ? null : bias.floats(), y);
            return out;
        }
        if (bias != null) {
            float[] b = bias.floats();
            int p = s.p();
            for (int i = 0; i < s.n() * s.o(); i++) {
                java.util.Arrays.fill(y, i * p, (i + 1) * p, b[i % s.o()]);
            }
        }
        addForward(s, input.floats(), weight.floats(), y);
        return out;
    }

    /** y += conv2d(x, w) without bias. */
    static void addForward(Conv2dShape s, float[] x, float[] w, float[] y) {
        int groups = s.groups();
        int og = s.og();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        if (groups == 1 && s.n() > 1 && p < BATCHED_FORWARD_BELOW) {
            Conv2dBatched.forward(s, x, w, y);
            return;
        }
        int units = s.n() * groups;
        // many small problems (batches, depthwise): one whole GEMM per thread; else every core on each GEMM
        boolean perUnit = units >= 2 * GemmParallel.threads();
        SgemmDriver gemm = SgemmDriver.get();
        SgemmDriver.PackA[] weights = weightOperands(groups, s.n(), g -> SgemmPack.a(w, g * og * kc, kc, 1), og,
                kc, gemm);
        GemmParallel.forEach(units, perUnit, u -> {
            int n = u / groups;
            int g = u % groups;
            int xOff = (n * s.c() + g * s.cg()) * hw;
            SgemmDriver.PackB im2col = s.pointwise() ? SgemmPack.b(x, xOff, hw, 1)
                    : new Conv2dPack(x, xOff, s).im2col();
            gemm.multiply(og, p, kc, weights[g], im2col, y, (n * s.o() + g * og) * p, p, !perUnit);
        });
    }

    static Conv2dGrads backward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias, boolean oneDnn) {
        Conv2dShape s = Conv2dShape.ofBackward(gradOutput, input, weight, params);
        if (input.dtype() == DType.F64) {
            return Conv2dF64.backward(s, gradOutput.doubles(), input.doubles(), weight.doubles(), withBias);
        }
        Tensor gradInput = Tensor.zeros(DType.F32, s.inputShape());
        Tensor gradWeight = Tensor.zeros(DType.F32, s.weightShape());
        float[] dy = gradOutput.floats();
        if (OneDnnConv.applies(s, oneDnn)) {
            Tensor gradBias = withBias ? Tensor.zeros(DType.F32, s.o()) : null;
            OneDnnConv.gradInput(s, dy, weight.floats(), gradInput.floats());
            OneDnnConv.gradWeight(s, input.floats(), dy, gradWeight.floats(), withBias ? gradBias.floats() : null);
            return new Conv2dGrads(gradInput, gradWeight, gradBias);
        }
        addGradInput(s, dy, weight.floats(), gradInput.floats());
        addGradWeight(s, dy, input.floats(), gradWeight.floats());
        int p = s.p();
        Tensor gradBias = null;
        if (withBias) {
            gradBias = Tensor.zeros(DType.F32, s.o());
            float[] db = gradBias.floats();
            GemmParallel.forEach(s.o(), (long) s.n() * s.o() * p > 65_536, o -> {
                double sum = 0;
                for (int n = 0; n < s.n(); n++) {
                    int off = (n * s.o() + o) * p;
                    for (int i = 0; i < p; i++) {
                        sum += dy[off + i];
                    }
                }
                db[o] = (float) sum;
            });
        }
        return new Conv2dGrads(gradInput, gradWeight, gradBias);
    }

    /** conv2d's input gradient alone (conv_transpose2d's forward). */
    static Tensor gradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params,
            boolean oneDnn) {
        Conv2dShape s = Conv2dShape.ofGradInput(gradOutput, weight, inputShape, params);
        if (weight.dtype() == DType.F64) {
            return Conv2dF64.gradInput(s, gradOutput.doubles(), weight.doubles());
        }
        Tensor gradInput = Tensor.zeros(DType.F32, s.inputShape());
        if (OneDnnConv.applies(s, oneDnn)) {
            OneDnnConv.gradInput(s, gradOutput.floats(), weight.floats(), gradInput.floats());
        } else {
            addGradInput(s, gradOutput.floats(), weight.floats(), gradInput.floats());
        }
        return gradInput;
    }

    /**
     * dx += conv2d's input gradient: one GEMM over the batch without groups, else per image and group, those units
     * side by side on the cores when there are enough of them.
     */
    private static void addGradInput(Conv2dShape s, float[] dy, float[] w, float[] dx) {
        if (Conv2dGradInputAsConv.applies(s)) {
            Conv2dGradInputAsConv.addGradInput(s, dy, w, dx);
            return;
        }
        if (s.groups() == 1 && s.n() > 1) {
            Conv2dBatched.gradInput(s, dy, w, dx);
            return;
        }
        int groups = s.groups();
        int og = s.og();
        int cg = s.cg();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        // images and groups own disjoint slices of dX: many of them run side by side, else every core on each GEMM
        int units = s.n() * groups;
        boolean perUnit = units >= 2 * GemmParallel.threads();
        SgemmDriver gemm = SgemmDriver.get();
        SgemmDriver.PackA[] weightsT = weightOperands(groups, s.n(), g -> SgemmPack.a(w, g * og * kc, 1, kc), kc, og,
                gemm);
        GemmParallel.forEach(units, perUnit, u -> {
            int n = u / groups;
            int g = u % groups;
            SgemmDriver.PackA wT = weightsT[g];
            int dyOff = (n * s.o() + g * og) * p;
            int xOff = (n * s.c() + g * cg) * hw;
            SgemmDriver.PackB dyB = SgemmPack.b(dy, dyOff, p, 1);
            if (s.pointwise()) {
                gemm.multiply(cg, p, og, wT, dyB, dx, xOff, hw, !perUnit);
            } else {
                gemm.multiply(kc, p, og, wT, dyB, new Conv2dPack(dx, xOff, s).col2im(), s.kh() * s.kw(), !perUnit);
            }
        });
    }

    /**
     * dw += conv2d's weight gradient: one GEMM over the batch without groups, else image after image per group (they
     * accumulate into the group's slice), groups side by side when there are enough of them.
     */
    private static void addGradWeight(Conv2dShape s, float[] dy, float[] x, float[] dw) {
        if (s.groups() == 1 && s.n() > 1) {
            Conv2dBatched.gradWeight(s, dy, x, dw);
            return;
        }
        int groups = s.groups();
        int og = s.og();
        int cg = s.cg();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        // a group owns its slice of dW; images of one group accumulate into it, so they run one after another
        boolean perGroup = groups > 1 && groups >= GemmParallel.threads();
        SgemmDriver gemm = SgemmDriver.get();
        GemmParallel.forEach(groups, perGroup, g -> {
            for (int n = 0; n < s.n(); n++) {
                int dyOff = (n * s.o() + g * og) * p;
                int xOff = (n * s.c() + g * cg) * hw;
                SgemmDriver.PackB colT = s.pointwise() ? SgemmPack.b(x, xOff, 1, hw)
                        : new Conv2dPack(x, xOff, s).im2colTransposed();
                gemm.multiply(og, kc, p, SgemmPack.a(dy, dyOff, p, 1), colT, dw, g * og * kc, kc, !perGroup);
            }
        });
    }

    /**
     * Each group's weight operand ([rows x cols]) for the driver: packed once when several images share it, so the
     * per-image GEMMs copy strips instead of re-gathering the weights (for small maps that gather cost as much as
     * the multiply).
     */
    private static SgemmDriver.PackA[] weightOperands(int groups, int images, IntFunction<SgemmDriver.PackA> operand,
            int rows, int cols, SgemmDriver gemm) {
        SgemmDriver.PackA[] out = new SgemmDriver.PackA[groups];
        for (int g = 0; g < groups; g++) {
            out[g] = images > 1 && !gemm.viaOneDnn()
                    ? SgemmPack.prepacked(operand.apply(g), rows, cols, gemm.kernel().mr()) : operand.apply(g);
        }
        return out;
    }

    /** conv2d's weight gradient alone (part of conv_transpose2d's backward). */
    static Tensor gradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params,
            boolean oneDnn) {
        Conv2dShape s = Conv2dShape.ofGradWeight(gradOutput, input, weightShape, params);
        if (input.dtype() == DType.F64) {
            return Conv2dF64.gradWeight(s, gradOutput.doubles(), input.doubles());
        }
        Tensor gradWeight = Tensor.zeros(DType.F32, s.weightShape());
        if (OneDnnConv.applies(s, oneDnn)) {
            OneDnnConv.gradWeight(s, input.floats(), gradOutput.floats(), gradWeight.floats(), null);
        } else {
            addGradWeight(s, gradOutput.floats(), input.floats(), gradWeight.floats());
        }
        return gradWeight;
    }
}
