package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;
import org.rcnn4j.backend.BoxChecks;
import org.rcnn4j.tensor.Tensor;

/**
 * AnchorGenerator in float32 as torchvision computes it, for one feature level or for all of them in one pass
 * that writes every level's anchors into one array (no per-level tensors to concatenate afterwards).
 */
final class AnchorsCpu {
    private AnchorsCpu() {
    }

    static Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth) {
        return anchorsForLevels(new int[][] {sizes}, aspectRatios, imageHeight, imageWidth,
                new int[] {featureHeight}, new int[] {featureWidth});
    }

    /** Level l's anchors (sizes[l], map featureHeights[l] x featureWidths[l]) end to end: [sum H*W*A, 4]. */
    static Tensor anchorsForLevels(int[][] sizes, float[] aspectRatios, int imageHeight, int imageWidth,
            int[] featureHeights, int[] featureWidths) {
        int[] a = BoxChecks.anchorsForLevels(sizes, aspectRatios, imageHeight, imageWidth, featureHeights,
                featureWidths);
        int levels = sizes.length;
        float[][] base = new float[levels][];
        // the feature rows of all levels are numbered end to end: level l owns rows firstRow[l] .. firstRow[l+1]
        int[] firstRow = new int[levels + 1];
        int[] firstFloat = new int[levels];
        int floats = 0;
        for (int l = 0; l < levels; l++) {
            base[l] = baseAnchors(sizes[l], aspectRatios);
            firstRow[l + 1] = firstRow[l] + featureHeights[l];
            firstFloat[l] = floats;
            floats += featureHeights[l] * featureWidths[l] * a[l] * 4;
        }
        float[] out = new float[floats];
        IntStream rows = IntStream.range(0, firstRow[levels]);
        if (out.length >= 1 << 16) {
            rows = rows.parallel();
        }
        rows.forEach(g -> {
            int l = 0;
            while (g >= firstRow[l + 1]) {
                l++;
            }
            int y = g - firstRow[l];
            int featureWidth = featureWidths[l];
            int strideH = imageHeight / featureHeights[l];
            int strideW = imageWidth / featureWidth;
            float[] b = base[l];
            int perLocation = 4 * a[l];
            float sy = (float) (y * strideH);
            int o = firstFloat[l] + y * featureWidth * perLocation;
            for (int x = 0; x < featureWidth; x++) {
                float sx = (float) (x * strideW);
                for (int k = 0; k < perLocation; k += 4) {
                    out[o++] = sx + b[k];
                    out[o++] = sy + b[k + 1];
                    out[o++] = sx + b[k + 2];
                    out[o++] = sy + b[k + 3];
                }
            }
        });
        return Tensor.ofFloats(out, floats / 4, 4);
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
