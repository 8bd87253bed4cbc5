package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

/** channelSum's F32 sums, four channels at a time, against one chain per channel in element order, bit for bit. */
class BatchNormCpuTest {
    @Test
    void channelSumsAreEachChannelsSumInElementOrder() {
        SplittableRandom r = new SplittableRandom(20261207);
        // channels a multiple of four and not; small (one thread) and large (parallel) tensors
        int[][] shapes = {{2, 8, 9}, {3, 7, 5}, {1, 1, 3}, {4, 10, 40 * 40}, {2, 64, 16 * 16}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            int p = s[2];
            float[] x = new float[n * c * p];
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * Math.exp(4 * r.nextDouble())); // wide range: order matters
                y[i] = (float) r.nextGaussian();
            }
            Tensor tx = Tensor.ofFloats(x, n, c, p);
            Tensor ty = Tensor.ofFloats(y, n, c, p);
            float[] sums = BatchNormCpu.channelSum(tx, null).floats();
            float[] products = BatchNormCpu.channelSum(tx, ty).floats();
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
                assertEquals(Float.floatToRawIntBits((float) sum), Float.floatToRawIntBits(sums[ch]), where + ": sum");
                assertEquals(Float.floatToRawIntBits((float) product), Float.floatToRawIntBits(products[ch]),
                        where + ": sum of products");
            }
        }
    }
}
