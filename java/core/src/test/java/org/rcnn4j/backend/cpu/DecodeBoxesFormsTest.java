package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;

/**
 * Each decode form, called directly (not through the warm-up's hand-over), gives bit for bit the floats of the
 * scalar definition ({@link BoxCoderBitIdentityTest#reference}): random boxes and codes with large dw, dh (the
 * clamp and exp's overflow), NaN, infinities, -0, zero-size and NaN boxes, one to 91 classes, and box counts that
 * are no multiple of the vector width or of the parallel chunk. NaN outputs must be NaN, of any sign ({@link #bits}).
 */
class DecodeBoxesFormsTest {
    private static final float[][] WEIGHTS = {{1, 1, 1, 1}, {10, 10, 5, 5}, {0.5f, 2, 0.25f, 3}};
    private static final float[] CLIPS = {(float) Math.log(1000.0 / 16), Float.MAX_VALUE, 2f, -1f};
    private static final int[][] SIZES = {{1, 1}, {3, 1}, {5, 1}, {7, 3}, {2, 91}, {4096 + 4096 + 13, 1},
        {1000, 2}, {601, 5}, {97, 91}};

    @Test
    void warmUpHandsOverToTheVectorForm() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(BoxCoderCpu.decoder() instanceof DecodeBoxesVectorKernel) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(BoxCoderCpu.decoder() instanceof DecodeBoxesVectorKernel, "still on "
                + BoxCoderCpu.decoder().getClass().getName() + " after 120 s of warm-up");
    }

    @Test
    void vectorFormMatchesTheScalarDefinition() {
        // surefire runs with --add-modules jdk.incubator.vector and 256- or 512-bit vectors on x86
        DecodeBoxesKernel vector = DecodeBoxesKernel.vector();
        assertNotNull(vector, "no vector form of decode on this JVM");
        check(vector);
    }

    @Test
    void scalarFormMatchesTheScalarDefinition() {
        check(new DecodeBoxesKernel.Scalar());
    }

    private static void check(DecodeBoxesKernel kernel) {
        RandomTensors r = new RandomTensors();
        SplittableRandom g = r.random();
        for (int[] kc : SIZES) {
            for (int w = 0; w < WEIGHTS.length; w++) {
                float clip = CLIPS[(w + kc[0]) % CLIPS.length];
                int k = kc[0];
                int c = kc[1];
                float[] boxes = boxes(g, k);
                float[] codes = codes(g, k * c);
                Tensor got = BoxCoderCpu.decode(Tensor.ofFloats(codes, k, 4 * c), Tensor.ofFloats(boxes, k, 4),
                        WEIGHTS[w], clip, kernel);
                float[] want = BoxCoderBitIdentityTest.reference(codes, boxes, k, c, WEIGHTS[w], clip);
                assertArrayEquals(bits(want), bits(got.floats()),
                        kernel.getClass().getSimpleName() + ", " + k + " boxes x " + c + " classes, weights " + w
                                + ", clip " + clip + ", seed " + r.seed());
            }
        }
    }

    /**
     * The float bits, every NaN as the canonical one: Java leaves NaN payloads and signs unspecified, and which NaN
     * x86 passes on when two meet (say a box at -inf, whose centre is inf - inf, and a NaN code) depends on the
     * operand order the JIT picks, so the scalar definition itself gives either sign from one tier to the next.
     */
    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }

    private static float[] boxes(SplittableRandom g, int k) {
        float[] b = new float[4 * k];
        for (int i = 0; i < k; i++) {
            float x = (float) g.nextDouble() * 1000;
            float y = (float) g.nextDouble() * 800;
            int kind = g.nextInt(50);
            b[4 * i] = x;
            b[4 * i + 1] = y;
            // a few zero-width, zero-height, inverted, NaN and infinite boxes
            b[4 * i + 2] = kind == 0 ? x : kind == 1 ? x - 5 : x + (float) g.nextDouble() * 300;
            b[4 * i + 3] = kind == 2 ? y : kind == 3 ? Float.NaN : y + (float) g.nextDouble() * 300;
            if (kind == 4) {
                b[4 * i] = Float.NEGATIVE_INFINITY;
            }
        }
        return b;
    }

    private static float[] codes(SplittableRandom g, int n) {
        float[] codes = new float[4 * n];
        for (int i = 0; i < codes.length; i++) {
            int kind = g.nextInt(400);
            codes[i] = switch (kind) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -0f;
                case 4 -> 0f;
                case 5 -> Float.intBitsToFloat(g.nextInt());
                case 6 -> (float) (g.nextDouble() * 400 - 200);
                default -> (float) (g.nextGaussian() * (kind % 7 == 0 ? 30 : 2));
            };
        }
        return codes;
    }
}
