package org.rcnn4j.autograd;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * F.adaptive_avg_pool2d: output cell (i, j) averages input rows [floor(i*H/oh), ceil((i+1)*H/oh)) and the
 * matching columns. GAP: computed on the host (VGG's classifier input is its only user).
 */
public final class AdaptivePool {
    private AdaptivePool() {
    }

    public static Var avgPool2d(Var input, int outH, int outW) {
        Ops.checkFloat("adaptive_avg_pool2d", "input", input);
        int[] s = input.shape();
        if (s.length != 4 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: input must be [N,C,H,W] and output_size >= 1, got "
                    + input.value() + " and " + outH + "x" + outW);
        }
        Backend b = input.backend();
        int planes = s[0] * s[1];
        int h = s[2];
        int w = s[3];
        double[] x = Tensors.read(b, input.value());
        double[] y = new double[planes * outH * outW];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outH; i++) {
                int y0 = i * h / outH;
                int y1 = ((i + 1) * h + outH - 1) / outH;
                for (int j = 0; j < outW; j++) {
                    int x0 = j * w / outW;
                    int x1 = ((j + 1) * w + outW - 1) / outW;
                    double sum = 0;
                    for (int r = y0; r < y1; r++) {
                        for (int c = x0; c < x1; c++) {
                            sum += x[(p * h + r) * w + c];
                        }
                    }
                    y[(p * outH + i) * outW + j] = sum / ((y1 - y0) * (x1 - x0));
                }
            }
        }
        Tensor out = Tensors.make(b, y, input.dtype(), s[0], s[1], outH, outW);
        return Autograd.record("adaptive_avg_pool2d", b, out, g -> {
            double[] gy = Tensors.read(b, g);
            double[] gx = new double[x.length];
            for (int p = 0; p < planes; p++) {
                for (int i = 0; i < outH; i++) {
                    int y0 = i * h / outH;
                    int y1 = ((i + 1) * h + outH - 1) / outH;
                    for (int j = 0; j < outW; j++) {
                        int x0 = j * w / outW;
                        int x1 = ((j + 1) * w + outW - 1) / outW;
                        double share = gy[(p * outH + i) * outW + j] / ((y1 - y0) * (x1 - x0));
                        for (int r = y0; r < y1; r++) {
                            for (int c = x0; c < x1; c++) {
                                gx[(p * h + r) * w + c] += share;
                            }
                        }
                    }
                }
            }
            return new Tensor[] {Tensors.make(b, gx, input.dtype(), s)};
        }, new Var[] {input});
    }
}
