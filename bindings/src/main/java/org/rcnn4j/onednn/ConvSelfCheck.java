package org.rcnn4j.onednn;

import java.util.Arrays;
import java.util.Random;

/**
 * A check of a oneDNN's convolutions before rcnn4j uses them: the three passes on a few small problems against a
 * direct float64 loop over torch's definition, outputs poisoned with NaN first. A library that fails it keeps its
 * sgemm but not its convolutions ({@link OneDnn.Status#convolutionsWithheld()}).
 *
 * <p>Why: Debian 13's oneDNN 3.7.2, on an AMD Zen 5 CPU, computed wrong convolutions where the channels were not a
 * multiple of its vector block: the forward pass of its AVX-512 kernel (24 -> 40, 3x3), and the backward data pass of
 * its AVX2 kernel (3 -> 5, 3x3), errors of order 1, reproduced in C outside rcnn4j; oneDNN 2.6.3 was right on both.
 * The problems below cover such channel tails, strides with dilation and an uneven kernel, and groups, and take a few
 * milliseconds together.
 */
final class ConvSelfCheck {
    /** One pass through the binding: in0, in1, bias, out as {@link OneDnnNative#convolution}; its status. */
    interface Convolution {
        int run(int pass, ConvGeometry g, float[] in0, float[] in1, float[] bias, float[] out);
    }

    static final ConvGeometry[] PROBLEMS = {
        new ConvGeometry(2, 24, 7, 6, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 8, 11, 6, 8, 3, 2, 1, 2, 2, 0, 2, 1, 1),
        new ConvGeometry(2, 12, 6, 7, 18, 3, 3, 1, 1, 1, 1, 1, 1, 3),
    };

    private static final String[] PASS = {"forward", "backward data", "backward weights"};

    private ConvSelfCheck() {
    }

    /** Null when every pass of every problem agrees with the definition, else the first that does not. */
    static String run(Convolution conv) {
        Random r = new Random(20261206);
        for (ConvGeometry g : PROBLEMS) {
            float[] x = random(r, g.inputSize());
            float[] w = random(r, g.weightSize());
            float[] b = random(r, g.o());
            float[] dy = random(r, g.outputSize());
            Expected want = Expected.of(g, x, w, b, dy);
            float[][] got = {poisoned(g.outputSize()), poisoned(g.inputSize()), poisoned(g.weightSize())};
            float[] db = poisoned(g.o());
            int[] status = {
                conv.run(0, g, x, w, b, got[0]),
                conv.run(1, g, dy, w, null, got[1]),
                conv.run(2, g, x, dy, db, got[2]),
            };
            double[][] expected = {want.y, want.dx, want.dw};
            for (int pass = 0; pass < 3; pass++) {
                if (status[pass] != 0) {
                    return PASS[pass] + " of " + describe(g) + " failed with status " + status[pass];
                }
                String wrong = compare(expected[pass], got[pass]);
                if (wrong == null && pass == 2) {
                    wrong = compare(want.db, db);
                }
                if (wrong != null) {
                    return PASS[pass] + " of " + describe(g) + ": " + wrong;
                }
            }
        }
        return null;
    }

    private static String describe(ConvGeometry g) {
        return g.n() + "x" + g.c() + "x" + g.h() + "x" + g.w() + " -> " + g.o() + ", " + g.kh() + "x" + g.kw()
                + (g.groups() > 1 ? ", " + g.groups() + " groups" : "");
    }

    /** Null when every element is within 1e-3 of the definition (relative above 1), else the first that is not. */
    private static String compare(double[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= 1e-3 * Math.max(1, Math.abs(want[i])))) {
                return "element " + i + " is " + got[i] + ", should be " + (float) want[i];
            }
        }
        return null;
    }

    private static float[] random(Random r, long n) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static float[] poisoned(long n) {
        float[] a = new float[(int) n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /** One product of a convolution, by flat indices into y (the output), x (the input) and w (the weights). */
    interface Term {
        void add(int y, int x, int w);
    }

    /**
     * Every product x[n, c, row, col]·w[o, c - group's first, ky, kx] of torch's conv2d that lands on output
     * y[n, o, i, j] inside the image (the padding's zeros contribute nothing), each once: the definition this check
     * and the binding's tests compare against.
     */
    static void forEachTerm(ConvGeometry g, Term term) {
        int cg = g.c() / g.groups();
        int og = g.o() / g.groups();
        int oh = g.outH();
        int ow = g.outW();
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.o(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((n * g.o() + o) * oh + i) * ow + j;
                        for (int ci = 0; ci < cg; ci++) {
                            int c = o / og * cg + ci;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int row = i * g.strideH() - g.padH() + ky * g.dilationH();
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int col = j * g.strideW() - g.padW() + kx * g.dilationW();
                                    if (row < 0 || row >= g.h() || col < 0 || col >= g.w()) {
                                        continue;
                                    }
                                    term.add(yi, ((n * g.c() + c) * g.h() + row) * g.w() + col,
                                            ((o * cg + ci) * g.kh() + ky) * g.kw() + kx);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The three passes' outputs by the definition. */
    private record Expected(double[] y, double[] dx, double[] dw, double[] db) {
        static Expected of(ConvGeometry g, float[] x, float[] w, float[] b, float[] dy) {
            double[] y = new double[(int) g.outputSize()];
            double[] dx = new double[(int) g.inputSize()];
            double[] dw = new double[(int) g.weightSize()];
            double[] db = new double[g.o()];
            int pixels = g.outH() * g.outW();
            for (int k = 0; k < y.length; k++) {
                int o = k / pixels % g.o();
                y[k] = b[o];
                db[o] += dy[k];
            }
            forEachTerm(g, (yi, xi, wi) -> {
                y[yi] += (double) x[xi] * w[wi];
                dx[xi] += (double) dy[yi] * w[wi];
                dw[wi] += (double) x[xi] * dy[yi];
            });
            return new Expected(y, dx, dw, db);
        }
    }
}
