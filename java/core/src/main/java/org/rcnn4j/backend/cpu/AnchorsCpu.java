package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.tensor.Tensor;

/** AnchorGenerator for one feature level, in float32 as torchvision computes it. */
final class AnchorsCpu {
    private AnchorsCpu() {
    }

    static Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        int a = BoxChecks.anchors(sizes, aspectRatios, imageHeight, imageWidth, featureHeight, featureWidth);
        float[] base = baseAnchors(sizes, aspectRatios);
        int strideH = imageHeight / featureHeight;
        int strideW = imageWidth / featureWidth;
        int rowFloats = featureWidth * a * 4;
        float[] out = new float[featureHeight * rowFloats];
        IntStream rows = IntStream.range(0, featureHeight);
        if (out.length >= 1 << 16) {
            rows = rows.parallel();
        }
        rows.forEach(y -> {
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
        });
        return Tensor.ofFloats(out, featureHeight * featureWidth * a, 4);
    }

    /**
     * Zero-centred anchors [A,4], ratio-major then size: h = sqrt(r), w = 1/h, half extents w*s/2 and h*s/2
     * rounded half to even, all in float32.
     */
    static float[] baseAnchors(int[] sizes, float[] aspectRatios) {
        float[] base = new float[sizes.length * aspectRatios.length * 4];
        int k = 0;
        for (float r : aspectRatios) {
            float hr = (float) Math.sqrt(r); // correctly rounded: the double root rounds once to float
            float wr = 1f / hr;
            for (int s : sizes) {
                float ws = wr * (float) s;
                float hs = hr * (float) s;
                base[k++] = (float) Math.rint(-ws / 2f);
                base[k++] = (float) Math.rint(-hs / 2f);
                base[k++] = (float) Math.rint(ws / 2f);
                base[k++] = (float) Math.rint(hs / 2f);
            }
        }
        return base;
    }
}
