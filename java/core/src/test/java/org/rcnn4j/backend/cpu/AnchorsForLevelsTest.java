package org.rcnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;

/**
 * Anchors of all levels in one call: bit for bit the per-level anchors that the code before it (kept below as the
 * reference) wrote, laid end to end, on random sizes, ratios, images and grids.
 */
class AnchorsForLevelsTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void levelsEndToEndAreBitIdenticalToThePerLevelReference() {
        RandomTensors r = new RandomTensors();
        SplittableRandom g = r.random();
        for (int round = 0; round < 20; round++) {
            int levels = 1 + g.nextInt(5);
            int[][] sizes = new int[levels][];
            int[] fh = new int[levels];
            int[] fw = new int[levels];
            float[] ratios = new float[1 + g.nextInt(4)];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = 0.1f + (float) g.nextDouble() * 4;
            }
            int ih = 32 + g.nextInt(1200);
            int iw = 32 + g.nextInt(1200);
            for (int l = 0; l < levels; l++) {
                sizes[l] = new int[1 + g.nextInt(3)];
                for (int i = 0; i < sizes[l].length; i++) {
                    sizes[l][i] = 1 + g.nextInt(600);
                }
                fh[l] = 1 + g.nextInt(Math.min(ih, round == 0 ? 300 : 60));
                fw[l] = 1 + g.nextInt(Math.min(iw, round == 0 ? 300 : 60));
            }
            String what = "sizes=" + Arrays.deepToString(sizes) + " ratios=" + Arrays.toString(ratios) + " image="
                    + ih + "x" + iw + " features=" + Arrays.toString(fh) + "x" + Arrays.toString(fw) + " seed="
                    + r.seed();
            float[] want = new float[0];
            for (int l = 0; l < levels; l++) {
                float[] level = reference(sizes[l], ratios, ih, iw, fh[l], fw[l]);
                float[] both = Arrays.copyOf(want, want.length + level.length);
                System.arraycopy(level, 0, both, want.length, level.length);
                want = both;
                assertArrayEquals(floatBits(level), floatBits(cpu.boxes().anchors(sizes[l], ratios, ih, iw, fh[l],
                        fw[l]).floats()), what + " level " + l + " alone");
            }
            Tensor all = cpu.boxes().anchorsForLevels(sizes, ratios, ih, iw, fh, fw);
            assertArrayEquals(new int[] {want.length / 4, 4}, all.shape(), what);
            assertArrayEquals(floatBits(want), floatBits(all.floats()), what);
        }
    }

    @Test
    void levelsMustComeWithOneMapEach() {
        float[] ratios = {1f};
        assertMessageLeadsWith("feature_heights, feature_widths", () -> cpu.boxes().anchorsForLevels(new int[][] {{32}, {64}}, ratios, 64, 64,
                        new int[] {8}, new int[] {8, 4}));
        assertMessageLeadsWith("sizes",
                () -> cpu.boxes().anchorsForLevels(new int[0][], ratios, 64, 64, new int[0], new int[0]));
        assertMessageLeadsWith("feature_height", () -> cpu.boxes().anchorsForLevels(new int[][] {{32}, {64}},
                ratios, 64, 64, new int[] {8, 0}, new int[] {8, 4}));
        assertEquals(8 * 8 + 4 * 4, cpu.boxes().anchorsForLevels(new int[][] {{32}, {64}}, ratios, 64, 64,
                new int[] {8, 4}, new int[] {8, 4}).size(0));
    }

    private static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    /** AnchorsCpu.anchors as it was before the levels were merged into one pass (2026-12-06). */
    private static float[] reference(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int featureHeight, int featureWidth) {
        int a = sizes.length * aspectRatios.length;
        float[] base = AnchorsCpu.baseAnchors(sizes, aspectRatios);
        int strideH = imageHeight / featureHeight;
        int strideW = imageWidth / featureWidth;
        int rowFloats = featureWidth * a * 4;
        float[] out = new float[featureHeight * rowFloats];
        for (int y = 0; y < featureHeight; y++) {
            float sy = (float) (y * strideH);
            int o = y * rowFloats;
            for (int x = 0; x < featureWidth; x++) {
                float sx = (float) (x * strideW);
                for (int k = 0; k < 4 * a; k += 4) {
                    out[o++] = sx + base[k];
                    out[o++] = sy + base[k + 1];
                    out[o++] = sx + base[k + 2];
                    out[o++] = sy + base[k + 3];
                }
            }
        }
        return out;
    }
}
