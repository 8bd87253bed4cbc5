package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.Conv2dGrads;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.Conv2dShape;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * conv2d in float64 for gradient checks: a materialized im2col matrix per image and group, {@link Dgemm}, and
 * col2im. Written independently of the F32 packers, so comparing the two also checks the packers' index math.
 */
final class Conv2dF64 {
    private Conv2dF64() {
    }

    static Tensor forward(Conv2dShape s, double[] x, double[] w, double[] bias) {
        Tensor out = Tensor.zeros(DType.F64, s.outputShape());
        double[] y = out.doubles();
        int og = s.og();
        int kc = s.kc();
        int p = s.p();
        for (int n = 0; n < s.n(); n++) {
            for (int g = 0; g < s.groups(); g++) {
                double[] col = im2col(s, x, (n * s.c() + g * s.cg()) * s.h() * s.w());
                int yOff = (n * s.o() + g * og) * p;
                Dgemm.multiply(og, p, kc, w, g * og * kc, kc, 1, col, 0, p, 1, y, yOff, p, true);
            }
            if (bias != null) {
                for (int o = 0; o < s.o(); o++) {
                    int off = (n * s.o() + o) * p;
                    for (int i = 0; i < p; i++) {
                        y[off + i] += bias[o];
                    }
                }
            }
        }
        return out;
    }

    static Conv2dGrads backward(Conv2dShape s, double[] dy, double[] x, double[] w, boolean withBias) {
        Tensor gradInput = Tensor.zeros(DType.F64, s.inputShape());
        Tensor gradWeight = Tensor.zeros(DType.F64, s.weightShape());
        double[] dx = gradInput.doubles();
        double[] dw = gradWeight.doubles();
        int og = s.og();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        for (int n = 0; n < s.n(); n++) {
            for (int g = 0; g < s.groups(); g++) {
                int xOff = (n * s.c() + g * s.cg()) * hw;
                int dyOff = (n * s.o() + g * og) * p;
                double[] col = im2col(s, x, xOff);
                Dgemm.multiply(og, kc, p, dy, dyOff, p, 1, col, 0, 1, p, dw, g * og * kc, kc, true);
                double[] dcol = new double[kc * p];
                Dgemm.multiply(kc, p, og, w, g * og * kc, 1, kc, dy, dyOff, p, 1, dcol, 0, p, true);
                col2im(s, dcol, dx, xOff);
            }
        }
        Tensor gradBias = null;
        if (withBias) {
            gradBias = Tensor.zeros(DType.F64, s.o());
            double[] db = gradBias.doubles();
            for (int n = 0; n < s.n(); n++) {
                for (int o = 0; o < s.o(); o++) {
                    for (int i = 0; i < p; i++) {
                        db[o] += dy[(n * s.o() + o) * p + i];
                    }
                }
            }
        }
        return new Conv2dGrads(gradInput, gradWeight, gradBias);
    }

    static Tensor gradInput(Conv2dShape s, double[] dy, double[] w) {
        Tensor gradInput = Tensor.zeros(DType.F64, s.inputShape());
        double[] dx = gradInput.doubles();
        int og = s.og();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        for (int n = 0; n < s.n(); n++) {
            for (int g = 0; g < s.groups(); g++) {
                int dyOff = (n * s.o() + g * og) * p;
                double[] dcol = new double[kc * p];
                Dgemm.multiply(kc, p, og, w, g * og * kc, 1, kc, dy, dyOff, p, 1, dcol, 0, p, true);
                col2im(s, dcol, dx, (n * s.c() + g * s.cg()) * hw);
            }
        }
        return gradInput;
    }

    static Tensor gradWeight(Conv2dShape s, double[] dy, double[] x) {
        Tensor gradWeight = Tensor.zeros(DType.F64, s.weightShape());
        double[] dw = gradWeight.doubles();
        int og = s.og();
        int kc = s.kc();
        int p = s.p();
        int hw = s.h() * s.w();
        for (int n = 0; n < s.n(); n++) {
            for (int g = 0; g < s.groups(); g++) {
                double[] col = im2col(s, x, (n * s.c() + g * s.cg()) * hw);
                Dgemm.multiply(og, kc, p, dy, (n * s.o() + g * og) * p, p, 1, col, 0, 1, p, dw, g * og * kc, kc, true);
            }
        }
        return gradWeight;
    }

    /** The group's im2col matrix [kc x p], row (ci*kh + ki)*kw + kj, column y*ow + x. */
    private static double[] im2col(Conv2dShape s, double[] x, int xOff) {
        double[] col = new double[s.kc() * s.p()];
        walk(s, (r, q, idx) -> col[r * s.p() + q] = x[xOff + idx]);
        return col;
    }

    private static void col2im(Conv2dShape s, double[] dcol, double[] dx, int xOff) {
        walk(s, (r, q, idx) -> dx[xOff + idx] += dcol[r * s.p() + q]);
    }

    private interface Tap {
        /** im2col element (r, q) reads the group-relative input index idx. */
        void at(int r, int q, int idx);
    }

    /** Visits every im2col element that falls inside the image. */
    private static void walk(Conv2dShape s, Tap tap) {
        Conv2dParams pr = s.params();
        for (int ci = 0; ci < s.cg(); ci++) {
            for (int ki = 0; ki < s.kh(); ki++) {
                for (int kj = 0; kj < s.kw(); kj++) {
                    int r = (ci * s.kh() + ki) * s.kw() + kj;
                    for (int oy = 0; oy < s.oh(); oy++) {
                        int iy = oy * pr.strideH() - pr.padH() + ki * pr.dilationH();
                        if (iy < 0 || iy >= s.h()) {
                            continue;
                        }
                        for (int ox = 0; ox < s.ow(); ox++) {
                            int ix = ox * pr.strideW() - pr.padW() + kj * pr.dilationW();
                            if (ix >= 0 && ix < s.w()) {
                                tap.at(r, oy * s.ow() + ox, (ci * s.h() + iy) * s.w() + ix);
                            }
                        }
                    }
                }
            }
        }
    }
}
