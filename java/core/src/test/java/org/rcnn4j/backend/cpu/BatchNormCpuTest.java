package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

/**
 * channelSum's F32 sums, four channels at a time, against one chain per channel in element order, bit for bit: the
 * double sums themselves (values over a wide range, so that another order of the additions gives other low bits)
 * and the float results channelSum returns.
 */
class BatchNormCpuTest {
    @Test
    void channelSumsAreEachChannelsSumInElementOrder() {
        SplittableRandom r = new SplittableRandom(20261207);
        // channels a multiple of four and not, each shape summed on one thread and in parallel
        int[][] shapes = {{2, 8, 9}, {3, 7, 5}, {1, 1, 3}, {4, 10, 40 * 40}, {2, 64, 16 * 16}, {1, 6, 1}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            int p = s[2];
            float[] x = new float[n * c * p];
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * Math.exp(50 * (r.nextDouble() - 0.5))); // 2^±36: sums round
                y[i] = (float) r.nextGaussian();
            }
            double[][] sums = new double[2][c];
            double[][] products = new double[2][c];
            for (int parallel = 0; parallel < 2; parallel++) {
                BatchNormCpu.sumsF32(x, null, n, c, p, parallel == 1, sums[parallel]);
                BatchNormCpu.sumsF32(x, y, n, c, p, parallel == 1, products[parallel]);
            }
            float[] sumsF = BatchNormCpu.channelSum(Tensor.ofFloats(x, n, c, p), null).floats();
            float[] productsF = BatchNormCpu.channelSum(Tensor.ofFloats(x, n, c, p), Tensor.ofFloats(y, n, c, p))
                    .floats();
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                double product = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < p; j++) {
                        int k = (i * c + ch) * p + j;
                        sum += x[k];
                        product += (double) x[k] * y[k];
                    }
                }
                String where = "[" + n + ", " + c + ", " + p + "] channel " + ch;
                for (int parallel = 0; parallel < 2; parallel++) {
                    String how = where + (parallel == 1 ? ", in parallel" : ", one thread");
                    assertEquals(Double.doubleToRawLongBits(sum), Double.doubleToRawLongBits(sums[parallel][ch]),
                            how + ": sum");
                    assertEquals(Double.doubleToRawLongBits(product),
                            Double.doubleToRawLongBits(products[parallel][ch]), how + ": sum of products");
                }
                assertEquals(Float.floatToRawIntBits((float) sum), Float.floatToRawIntBits(sumsF[ch]), where
                        + ": channelSum");
                assertEquals(Float.floatToRawIntBits((float) product), Float.floatToRawIntBits(productsF[ch]), where
                        + ": channelSum with other");
            }
        }
    }
}
