package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv2dShape;

/**
 * An ungrouped F32 conv2d over a whole batch, one GEMM per product, with the batch's output pixels as one long
 * dimension: N of the forward and input-gradient products, K of the weight gradient. Per-image GEMMs of the small
 * maps of late stages (4x4, 2x2 in pretraining) spend most of their time packing and handing work between
 * threads; over the batch the same multiplies keep both cores busy.
 *
 * <p>The output and its gradient take part as {@link ChannelRows} ([o x n*p], read and written in place), the
 * input as {@link Conv2dPack}'s batch-spanning im2col, whose columns come in the same order.
 */
final class Conv2dBatched {
    private Conv2dBatched() {
    }

    /** y [n, o, oh, ow] += conv2d(x, w). */
    static void forward(Conv2dShape s, float[] x, float[] w, float[] y) {
        SgemmDriver.get().multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                new Conv2dPack(x, 0, s).im2colPadded(s.n(), s.c()), new ChannelRows(y, s.o(), s.p()).sink(), true);
    }

    /** dx += col2im(W^T · dY): each (channel, tap) row of the product lands on that channel of every image. */
    static void gradInput(Conv2dShape s, float[] dy, float[] w, float[] dx) {
        SgemmDriver.get().multiply(s.kc(), s.n() * s.p(), s.o(), SgemmPack.a(w, 0, 1, s.kc()),
                new ChannelRows(dy, s.o(), s.p()).asB(), new Conv2dPack(dx, 0, s).col2im(), s.kh() * s.kw(), true);
    }

    /** dw += dY · im2col^T, summed over the batch inside the GEMM's K. */
    static void gradWeight(Conv2dShape s, float[] dy, float[] x, float[] dw) {
        SgemmDriver.get().multiply(s.o(), s.kc(), s.n() * s.p(), new ChannelRows(dy, s.o(), s.p()).asA(),
                new Conv2dPack(x, 0, s).im2colTransposed(), dw, 0, s.kc(), true);
    }
}
