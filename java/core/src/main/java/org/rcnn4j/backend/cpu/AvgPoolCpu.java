package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.AvgPool;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.tensor.Tensor;

/** adaptive_avg_pool2d and its gradient on the host, in double whatever the dtype, sequentially per cell. */
final class AvgPoolCpu implements AvgPool {

    @Override
    public Tensor adaptiveAvgPool2d(Tensor input, int outH, int outW) {
        OpChecks.floating("input", input);
        OpChecks.dims("input", input, 4, "[N,C,H,W]");
        OpChecks.positive("output_height", outH);
        OpChecks.positive("output_width", outW);
        int[] s = input.shape();
        int planes = s[0] * s[1];
        int h = s[2];
        int w = s[3];
        double[] x = HostDoubles.read(input);
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
        return HostDoubles.of(y, input.dtype(), s[0], s[1], outH, outW);
    }

    @Override
    public Tensor adaptiveAvgPool2dBackward(Tensor g, int[] inputShape) {
        OpChecks.adaptivePoolGradient(g, inputShape);
        int[] s = inputShape;
        int planes = s[0] * s[1];
        int h = s[2];
        int w = s[3];
        int outH = g.size(2);
        int outW = g.size(3);
        double[] gy = HostDoubles.read(g);
        double[] gx = new double[planes * h * w];
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
        return HostDoubles.of(gx, g.dtype(), s);
    }
}
