package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;

/**
 * The input gradient of a stride-1, ungrouped conv2d computed as a convolution itself: dX = conv2d(dY, W'), W' the
 * weights with input and output channels swapped and each kernel turned by 180 degrees, padded by
 * dilation*(k-1) - padding. The product is the one col2im's path multiplies (kc x o times o x p), but its right
 * operand is gathered from dY like a forward im2col (runs copied along rows) and every input pixel is written once
 * per tile, where col2im adds kh*kw taps into it element by element: on the detector's 3x3 maps that scatter cost
 * about as much as the multiply.
 */
final class Conv2dGradInputAsConv {
    private Conv2dGradInputAsConv() {
    }

    /** Stride 1, no groups, a kernel larger than 1x1, and padding that the flipped kernel can mirror. */
    static boolean applies(Conv2dShape s) {
        Conv2dParams p = s.params();
        return p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1 && s.kh() * s.kw() > 1
                && p.padH() <= p.dilationH() * (s.kh() - 1) && p.padW() <= p.dilationW() * (s.kw() - 1);
    }

    /** dx += conv2d's input gradient for {@code s} (which {@link #applies}). */
    static void addGradInput(Conv2dShape s, float[] dy, float[] w, float[] dx) {
        Conv2dParams p = s.params();
        Conv2dParams flipped = new Conv2dParams(1, 1, p.dilationH() * (s.kh() - 1) - p.padH(),
                p.dilationW() * (s.kw() - 1) - p.padW(), p.dilationH(), p.dilationW(), 1);
        Conv2dShape t = new Conv2dShape(s.n(), s.o(), s.oh(), s.ow(), s.c(), s.kh(), s.kw(), s.h(), s.w(), flipped);
        Conv2dCpu.addForward(t, dy, turnedWeights(s, w), dx);
    }

    /** W'[ci][co][i][j] = W[co][ci][kh-1-i][kw-1-j]. */
    static float[] turnedWeights(Conv2dShape s, float[] w) {
        int kh = s.kh();
        int kw = s.kw();
        int taps = kh * kw;
        int c = s.c();
        int o = s.o();
        float[] t = new float[w.length];
        for (int co = 0; co < o; co++) {
            for (int ci = 0; ci < c; ci++) {
                int from = (co * c + ci) * taps;
                int to = (ci * o + co) * taps;
                for (int k = 0; k < taps; k++) {
                    t[to + k] = w[from + taps - 1 - k];
                }
            }
        }
        return t;
    }
}
