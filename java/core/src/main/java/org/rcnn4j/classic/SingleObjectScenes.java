package org.rcnn4j.classic;

import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.tensor.Tensor;

/**
 * Fashion-MNIST scenes holding exactly one item, held in memory as flat arrays: images [N,3,S,S], class indices
 * 0..9 (the dataset's label - 1) and boxes (x, y, w, h) normalised by the image size to [0, 1], (x, y) being the
 * top-left corner. A scene whose only item was dropped (too few visible pixels) is skipped, so scene i here is
 * the i-th kept scene of the generator: deterministic from the seed.
 */
public final class SingleObjectScenes {
    private final int size;
    private final float[] images;
    private final long[] labels;
    private final float[] boxes;
    private final int count;

    private SingleObjectScenes(int size, float[] images, long[] labels, float[] boxes, int count) {
        this.size = size;
        this.images = images;
        this.labels = labels;
        this.boxes = boxes;
        this.count = count;
    }

    /** Items are rescaled so they span about 55%..90% of the canvas side. */
    public static SceneConfig config(int size) {
        double max = size * 0.9 / FashionMnist.SIDE;
        return new SceneConfig(size, size, 1, 1, max * 0.6, max, 0.6, 24, 0.05);
    }

    /**
     * Examples made elsewhere (e.g. crops of multi-item scenes): images [N,3,S,S] in [0, 1], class indices and
     * normalised (x, y, w, h) boxes, all copied.
     */
    public static SingleObjectScenes of(int size, float[] images, long[] labels, float[] boxes) {
        int n = labels.length;
        if (n < 1 || images.length != n * 3 * size * size || boxes.length != n * 4) {
            throw new IllegalArgumentException("expected N >= 1 labels, N*3*" + size + "*" + size
                    + " image values and N*4 box values, got " + n + ", " + images.length + ", " + boxes.length);
        }
        return new SingleObjectScenes(size, images.clone(), labels.clone(), boxes.clone(), n);
    }

    public static SingleObjectScenes generate(FashionMnist.Split split, int count, int size, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        // a single item is only dropped when tiny and faint; 2x + 64 candidates leaves a wide margin
        SingleObjectStream.Batch b = new SingleObjectStream(split, size, seed).next(count, count * 2 + 64);
        float[] px = b.boxes();
        float[] boxes = new float[count * 4];
        for (int n = 0; n < count; n++) {
            boxes[n * 4] = px[n * 4] / size;
            boxes[n * 4 + 1] = px[n * 4 + 1] / size;
            boxes[n * 4 + 2] = (px[n * 4 + 2] - px[n * 4]) / size;
            boxes[n * 4 + 3] = (px[n * 4 + 3] - px[n * 4 + 1]) / size;
        }
        return new SingleObjectScenes(size, b.images(), b.labels(), boxes, count);
    }

    public int count() {
        return count;
    }

    public int size() {
        return size;
    }

    public long label(int i) {
        return labels[i];
    }

    /** Normalised (x, y, w, h) of scene i. */
    public float[] box(int i) {
        return new float[] {boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]};
    }

    /** Scene i's image alone, F32 [3,S,S]. */
    public Tensor image(int i) {
        int plane = 3 * size * size;
        float[] out = new float[plane];
        System.arraycopy(images, i * plane, out, 0, plane);
        return Tensor.ofFloats(out, 3, size, size);
    }

    /**
     * The scenes idx[from..to) as host tensors: images [B,3,S,S] standardised per image and channel (zero mean,
     * unit deviation: the background's colour and the item's tint say nothing about the class), labels I64 [B],
     * boxes F32 [B,4].
     */
    public Batch batch(int[] idx, int from, int to) {
        int b = to - from;
        int plane = 3 * size * size;
        float[] im = new float[b * plane];
        long[] lb = new long[b];
        float[] bx = new float[b * 4];
        for (int k = 0; k < b; k++) {
            int i = idx[from + k];
            standardise(images, i * plane, im, k * plane, size * size);
            lb[k] = labels[i];
            System.arraycopy(boxes, i * 4, bx, k * 4, 4);
        }
        return new Batch(Tensor.ofFloats(im, b, 3, size, size), Tensor.ofLongs(lb, b), Tensor.ofFloats(bx, b, 4));
    }

    /** Per image and channel: zero mean, unit deviation ({@code plane} = S*S values per channel). */
    static void standardise(float[] src, int from, float[] dst, int to, int plane) {
        for (int c = 0; c < 3; c++) {
            int o = c * plane;
            double m = 0;
            for (int p = 0; p < plane; p++) {
                m += src[from + o + p];
            }
            m /= plane;
            double v = 0;
            for (int p = 0; p < plane; p++) {
                double d = src[from + o + p] - m;
                v += d * d;
            }
            double inv = 1 / Math.sqrt(v / plane + 1e-6);
            for (int p = 0; p < plane; p++) {
                dst[to + o + p] = (float) ((src[from + o + p] - m) * inv);
            }
        }
    }

    public record Batch(Tensor images, Tensor labels, Tensor boxes) {
    }

    /** The mean normalised training box: the fixed-box baseline. */
    public float[] meanBox() {
        double[] m = new double[4];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 4; j++) {
                m[j] += boxes[i * 4 + j];
            }
        }
        return new float[] {(float) (m[0] / count), (float) (m[1] / count), (float) (m[2] / count),
                (float) (m[3] / count)};
    }
}
