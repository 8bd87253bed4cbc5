package org.rcnn4j.backend.cpu;

import java.util.Arrays;

/**
 * roi_align's F32 forward and backward for one RoI on channels-last maps ({@link ChannelsLast}): each tap is a
 * loop over a block of contiguous channels, which C2 compiles to vector instructions by itself. On NCHW each
 * channel walks the RoI's taps alone, a gather per tap; here one load serves a vector of channels. Each channel
 * gets the scalar kernels' float operations in their order (per bin row {@code s += xw * v} over the columns,
 * then {@code sum += yw * s}; backward {@code gy = g * yw}, then {@code grad += gy * xw}); Java never fuses a
 * multiply and an add, so the results are the same bits as {@link RoiAlignCpu}'s NCHW form.
 *
 * <p>Plain loops rather than the Vector API: a Vector API kernel compiled after another kernel had used a second
 * float vector shape (decode_boxes' half-width floats) lost its intrinsics under JDK 17's C2 (the shared call
 * sites' type profiles saw both shapes) and ran on the API's scalar fallback, a hundred times slower.
 */
final class RoiAlignChannelsLast {
    private RoiAlignChannelsLast() {
    }

    /**
     * Channels [c0, c1) of one RoI's bins: {@code in} is channels-last with {@code c} channels a cell, the RoI's
     * image starting at {@code imageOffset}; the taps' y indices are cell offsets (row * width). Writes bin b's
     * value of channel c0 + j to {@code out[b * (c1 - c0) + j]}; {@code rowSum} is scratch of c1 - c0 floats.
     */
    static void forward(float[] in, int imageOffset, int c, int c0, int c1, RoiAlignTaps ys, RoiAlignTaps xs,
            float[] out, float[] rowSum) {
        int cb = c1 - c0;
        int pw = xs.bins;
        for (int py = 0; py < ys.bins; py++) {
            for (int px = 0; px < pw; px++) {
                int o = (py * pw + px) * cb;
                Arrays.fill(out, o, o + cb, 0f);
                for (int i = ys.binStart[py]; i < ys.binStart[py + 1]; i++) {
                    Arrays.fill(rowSum, 0, cb, 0f);
                    for (int t = xs.binStart[px]; t < xs.binStart[px + 1]; t++) {
                        accumulate(rowSum, 0, in, imageOffset + (ys.index[i] + xs.index[t]) * c + c0,
                                xs.weightF[t], cb);
                    }
                    accumulate(out, o, rowSum, 0, ys.weightF[i], cb);
                }
            }
        }
    }

    /**
     * Adds one RoI's share of the input gradient into {@code grad} (channels-last, as {@code in} above): its bins'
     * output gradients are {@code g[b * (c1 - c0) + j]} for channel c0 + j; {@code gy} is scratch of c1 - c0
     * floats.
     */
    static void backward(float[] grad, int imageOffset, int c, int c0, int c1, RoiAlignTaps ys, RoiAlignTaps xs,
            float[] g, float[] gy) {
        int cb = c1 - c0;
        int pw = xs.bins;
        for (int py = 0; py < ys.bins; py++) {
            for (int px = 0; px < pw; px++) {
                int o = (py * pw + px) * cb;
                for (int i = ys.binStart[py]; i < ys.binStart[py + 1]; i++) {
                    float yw = ys.weightF[i];
                    for (int j = 0; j < cb; j++) {
                        gy[j] = g[o + j] * yw;
                    }
                    for (int t = xs.binStart[px]; t < xs.binStart[px + 1]; t++) {
                        accumulate(grad, imageOffset + (ys.index[i] + xs.index[t]) * c + c0, gy, 0, xs.weightF[t],
                                cb);
                    }
                }
            }
        }
    }

    /** {@code acc[a + j] += w * x[s + j]} for j below n (the product rounded, then the sum: no fused form). */
    private static void accumulate(float[] acc, int a, float[] x, int s, float w, int n) {
        for (int j = 0; j < n; j++) {
            acc[a + j] += w * x[s + j];
        }
    }
}
