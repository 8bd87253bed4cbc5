package org.rcnn4j.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.proposals.RgbImage;
import org.rcnn4j.proposals.SelectiveSearch;

/**
 * The scenes R-CNN is trained and evaluated on: Fashion-MNIST scenes of {@value #SIZE}x{@value #SIZE} pixels with
 * 1..3 items at 0.6x..1.6x their 28-pixel size, plus the helpers the pipeline shares (selective-search proposals
 * of a scene, box IoU).
 */
public final class RcnnScenes {
    public static final int SIZE = 64;

    private RcnnScenes() {
    }

    public static SceneConfig config() {
        return new SceneConfig(SIZE, SIZE, 1, 3, 0.6, 1.6, 0.6, 24, 0.05);
    }

    /** Scenes 0..count-1 of the generator for (split, seed); a scene whose items were all dropped is skipped. */
    public static List<Sample> generate(FashionMnist.Split split, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        int candidates = count * 2 + 16;
        FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(split), config(), seed, candidates);
        List<Sample> all = IntStream.range(0, candidates).parallel().mapToObj(scenes::get).toList();
        List<Sample> out = new ArrayList<>(count);
        for (Sample s : all) {
            if (s.count() > 0 && out.size() < count) {
                out.add(s);
            }
        }
        if (out.size() < count) {
            throw new IllegalStateException("only " + out.size() + " of " + candidates + " scenes kept an item");
        }
        return out;
    }

    /** Selective search ("fast" mode, the paper's test-time setting) boxes of an F32 [3, H, W] image in [0, 1]. */
    public static float[][] proposals(float[] image, int h, int w, int max) {
        int n = h * w;
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        for (int p = 0; p < n; p++) {
            r[p] = image[p] * 255f;
            g[p] = image[n + p] * 255f;
            b[p] = image[2 * n + p] * 255f;
        }
        int[][] boxes = SelectiveSearch.propose(new RgbImage(w, h, r, g, b), SelectiveSearch.Mode.FAST);
        int k = Math.min(max, boxes.length);
        float[][] out = new float[k][];
        for (int i = 0; i < k; i++) {
            out[i] = new float[] {boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3]};
        }
        return out;
    }

    /** Ground-truth box k of a scene, (x1, y1, x2, y2). */
    public static float[] box(Sample s, int k) {
        float[] b = s.boxes().floats();
        return new float[] {b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]};
    }

    /** IoU of two (x1, y1, x2, y2) boxes. */
    public static double iou(float[] a, float[] b) {
        double iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = (double) (a[2] - a[0]) * (a[3] - a[1]) + (double) (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union > 0 ? inter / union : 0;
    }
}
