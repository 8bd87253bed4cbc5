package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;

/**
 * decode_boxes in its vector form ({@link DecodeBoxesVectorKernel}, after the hand-over) gives every float bit for
 * bit as the code before it (kept below as the reference), on random boxes and codes, several classes, the RPN's
 * and the box head's weights, clamps that let exp overflow, and NaN codes.
 */
class BoxCoderBitIdentityTest {
    @Test
    void decodeIsBitIdenticalToThePreviousCode() throws InterruptedException {
        // after the warm-up's hand-over, so that the vector approximation is what runs
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(ExpF32.approx() instanceof ExpVectorApprox && BoxCoderCpu.decoder() instanceof DecodeBoxesVectorKernel)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(ExpF32.approx() instanceof ExpVectorApprox, ExpF32.approx().getClass().getName());
        DecodeBoxesKernel decoder = BoxCoderCpu.decoder();
        assertTrue(decoder instanceof DecodeBoxesVectorKernel, decoder.getClass().getName());
        RandomTensors r = new RandomTensors();
        SplittableRandom g = r.random();
        float[][] weights = {{1, 1, 1, 1}, {10, 10, 5, 5}, {0.5f, 2, 0.25f, 3}};
        float[] clips = {(float) Math.log(1000.0 / 16), Float.MAX_VALUE, 2f};
        int[][] sizes = {{1, 1}, {7, 3}, {5000, 1}, {9000, 2}, {300, 91}};
        for (int[] kc : sizes) {
            for (int w = 0; w < weights.length; w++) {
                int k = kc[0];
                int c = kc[1];
                float[] boxes = new float[4 * k];
                for (int i = 0; i < k; i++) {
                    float x = (float) g.nextDouble() * 1000;
                    float y = (float) g.nextDouble() * 800;
                    boxes[4 * i] = x;
                    boxes[4 * i + 1] = y;
                    boxes[4 * i + 2] = x + (float) g.nextDouble() * 300;
                    boxes[4 * i + 3] = y + (float) g.nextDouble() * 300;
                }
                float[] codes = new float[4 * k * c];
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = i % 997 == 5 ? Float.NaN : (float) (g.nextGaussian() * (i % 7 == 0 ? 30 : 2));
                }
                float clip = clips[w];
                Tensor got = BoxCoderCpu.decode(Tensor.ofFloats(codes, k, 4 * c), Tensor.ofFloats(boxes, k, 4),
                        weights[w], clip);
                float[] want = reference(codes, boxes, k, c, weights[w], clip);
                assertArrayEquals(bits(want), bits(got.floats()), k + " boxes x " + c + " classes, weights " + w
                        + ", clip " + clip + ", seed " + r.seed());
            }
        }
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** BoxCoderCpu.decode as it was before its exponentials moved to a vector pass (2026-12-06). */
    static float[] reference(float[] rel, float[] b, int k, int c, float[] weights, float bboxXformClip) {
        float[] out = new float[rel.length];
        float wx = weights[0], wy = weights[1], ww = weights[2], wh = weights[3];
        for (int i = 0; i < k; i++) {
            float width = b[4 * i + 2] - b[4 * i];
            float height = b[4 * i + 3] - b[4 * i + 1];
            float ctrX = b[4 * i] + 0.5f * width;
            float ctrY = b[4 * i + 1] + 0.5f * height;
            for (int j = 4 * c * i, rowEnd = j + 4 * c; j < rowEnd; j += 4) {
                float dx = rel[j] / wx;
                float dy = rel[j + 1] / wy;
                float dw = Math.min(rel[j + 2] / ww, bboxXformClip);
                float dh = Math.min(rel[j + 3] / wh, bboxXformClip);
                float pcx = dx * width + ctrX;
                float pcy = dy * height + ctrY;
                float halfW = 0.5f * ((float) Math.exp(dw) * width);
                float halfH = 0.5f * ((float) Math.exp(dh) * height);
                out[j] = pcx - halfW;
                out[j + 1] = pcy - halfH;
                out[j + 2] = pcx + halfW;
                out[j + 3] = pcy + halfH;
            }
        }
        return out;
    }
}
