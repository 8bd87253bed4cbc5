package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.onednn.ConvGeometry;
import org.rcnn4j.onednn.OneDnn;

/**
 * The CPU backend's F32 convolutions, forward and both gradients, through oneDNN's convolution primitives
 * ({@link OneDnn#convForward}), the kernels torch's CPU convolutions run, and in the same backends its matmul
 * ({@link OneDnnMatmul}): system property {@value #PROPERTY},
 * {@code auto} (the default: where oneDNN 2.x or 3.x loads, else rcnn4j's own im2col and GEMM), {@code true} or
 * {@code false} ({@link OneDnnSwitch}), read when a {@link CpuBackend} is created ({@link CpuBackend#reference()}
 * never uses it). The binding keeps each thread's buffers for oneDNN's own layouts from call to call
 * ({@link OneDnn#workspaceBytes()}).
 *
 * <p>Each call runs on {@link GemmParallel#threads()} OpenMP threads of oneDNN's; its work split, and with it every
 * result bit, is fixed for a given machine (instruction set) and thread count.
 */
final class OneDnnConv {
    /** System property: auto, true or false. */
    static final String PROPERTY = "rcnn4j.onednn";
    static final OneDnnSwitch SWITCH = new OneDnnSwitch(PROPERTY, "auto", "rcnn4j's own convolutions",
            OneDnn.Status::convolutions);

    private OneDnnConv() {
    }

    /** Whether F32 convolutions go to oneDNN (resolved on first use). */
    static boolean enabled() {
        return SWITCH.enabled();
    }

    /** Whether this problem goes to oneDNN: the backend uses it and no extent is empty (oneDNN wants every one). */
    static boolean applies(Conv2dShape s, boolean oneDnn) {
        return oneDnn && s.n() > 0 && s.c() > 0 && s.o() > 0 && s.p() > 0;
    }

    /** y = conv2d(x, w) + bias (bias may be null); y is overwritten. */
    static void forward(Conv2dShape s, float[] x, float[] w, float[] bias, float[] y) {
        OneDnn.convForward(geometry(s), x, w, bias, y, GemmParallel.threads());
    }

    /** dx = conv2d's input gradient; overwritten. */
    static void gradInput(Conv2dShape s, float[] dy, float[] w, float[] dx) {
        OneDnn.convBackwardData(geometry(s), dy, w, dx, GemmParallel.threads());
    }

    /** dw (and db when not null) = conv2d's weight (and bias) gradient; overwritten. */
    static void gradWeight(Conv2dShape s, float[] x, float[] dy, float[] dw, float[] db) {
        OneDnn.convBackwardWeights(geometry(s), x, dy, dw, db, GemmParallel.threads());
    }

    /** Frees the calling thread's workspace in the binding (the backend's close). */
    static void releaseThreadWorkspace() {
        OneDnn.releaseThreadWorkspace();
    }

    /** For the description of a backend that uses oneDNN's convolutions or not. */
    static String describe(boolean on) {
        OneDnn.Status s = OneDnn.status();
        if (on) {
            return "F32 convolutions and matmul on " + s.describe() + ", " + GemmParallel.threads() + " threads";
        }
        return "F32 convolutions and matmul in Java (-D" + PROPERTY + "=" + SWITCH.setting() + "; " + s.describe()
                + ")";
    }

    private static ConvGeometry geometry(Conv2dShape s) {
        Conv2dParams p = s.params();
        return new ConvGeometry(s.n(), s.c(), s.h(), s.w(), s.o(), s.kh(), s.kw(), p.strideH(), p.strideW(),
                p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.groups());
    }
}
