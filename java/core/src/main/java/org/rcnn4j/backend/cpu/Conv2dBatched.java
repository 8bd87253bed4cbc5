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
    /**
     * Output maps of fewer pixels than this are packed from (and the input gradient gathered in) a zero-padded copy
     * of the batch ({@link Conv2dPack#im2colPadded}): there runs along a row are a few elements long, and the
     * run-by-run packers and col2im spent more time on them than the multiply took. A copy of small maps costs
     * little memory (the forward pass is batched only below this size anyway).
     */
    static final int PADDED_BELOW = 128;

    private Conv2dBatched() {
    }

    private static boolean smallMaps(Conv2dShape s) {
        return s.p() < PADDED_BELOW;
    }

    /** y [n, o, oh, ow] += conv2d(x, w). */
    static void forward(Conv2dShape s, float[] x, float[] w, float[] y) {
        Conv2dPack image = new Conv2dPack(x, 0, s);
        SgemmDriver.get().multiplyByColumns(s.o(), s.n() * s.p(), s.kc(), SgemmPack.a(w, 0, s.kc(), 1),
                smallMaps(s) ? image.im2colPadded(s.n(), s.c()) : image.im2col(),
                new ChannelRows(y, s.o(), s.p()).sink(), true);
    }

    /** dx += col2im(W^T · dY): each (channel, tap) row of the product lands on that channel of every image. */
    static void gradInput(Conv2dShape s, float[] dy, float[] w, float[] dx) {
        Conv2dPack image = new Conv2dPack(dx, 0, s);
        if (!smallMaps(s)) {
            SgemmDriver.get().multiply(s.kc(), s.n() * s.p(), s.o(), SgemmPack.a(w, 0, 1, s.kc()),
                    new ChannelRows(dy, s.o(), s.p()).asB(), image.col2im(), s.kh() * s.kw(), true);
            return;
        }
        Conv2dPack.PaddedCol2im sink = image.col2imPadded(s.n(), s.c());
        SgemmDriver.get().multiply(s.kc(), s.n() * s.p(), s.o(), SgemmPack.a(w, 0, 1, s.kc()),
                new ChannelRows(dy, s.o(), s.p()).asB(), sink, s.kh() * s.kw(), true);
        sink.finish();
    }

    /** dw += dY · im2col^T, summed over the batch inside the GEMM's K. */
    static void gradWeight(Conv2dShape s, float[] dy, float[] x, float[] dw) {
        Conv2dPack image = new Conv2dPack(x, 0, s);
        SgemmDriver.get().multiply(s.o(), s.kc(), s.n() * s.p(), new ChannelRows(dy, s.o(), s.p()).asA(),
                smallMaps(s) ? image.im2colTransposedPadded(s.n(), s.c()) : image.im2colTransposed(), dw, 0, s.kc(),
                true);
    }
}
