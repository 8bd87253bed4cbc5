package org.rcnn4j.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rcnn4j.tensor.Tensor;

/**
 * Detection scenes made of Fashion-MNIST items: each scene places a few items, rescaled (bilinear) and tinted,
 * at random positions on a textured, noisy background. Later items occlude earlier ones: each instance's mask is
 * its own visible pixels, instances hidden beyond {@link SceneConfig#maxOccluded} are dropped, and each box is
 * the tight box of its visible mask. Scene i depends only on (seed, i, config, source), so any thread may build
 * any scene in any order and get the same bytes.
 */
public final class FashionMnistScenes implements Dataset {
    private static final long INDEX_STEP = 0x9E3779B97F4A7C15L;

    private final FashionMnist source;
    private final SceneConfig config;
    private final long seed;
    private final int size;

    public FashionMnistScenes(FashionMnist source, SceneConfig config, long seed, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if (source.size() == 0) {
            throw new IllegalArgumentException("the Fashion-MNIST source has no items");
        }
        this.source = source;
        this.config = config;
        this.seed = seed;
        this.size = size;
    }

    public SceneConfig config() {
        return config;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Sample get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("scene " + index + " of " + size);
        }
        SplittableRandom rng = rng(index);
        int h = config.height();
        int w = config.width();
        int plane = h * w;
        float[] rgb = new float[3 * plane];
        background(rng, rgb, h, w);

        int items = config.minItems() + rng.nextInt(config.maxItems() - config.minItems() + 1);
        Placement[] placed = new Placement[items];
        int[] owner = new int[plane];
        Arrays.fill(owner, -1);
        int[] ownArea = new int[items];
        for (int k = 0; k < items; k++) {
            placed[k] = choose(rng);
            ownArea[k] = rasterize(placed[k], k, owner, null, h, w);
        }
        // Dropped items are left out of the picture too, so nothing visible is unlabelled. Leaving an item out
        // only uncovers the items under it, so every kept item stays at least as visible as when it was judged.
        boolean[] keep = judge(owner, ownArea, items);
        Arrays.fill(owner, -1);
        int[] label = new int[items];
        for (int k = 0; k < items; k++) {
            label[k] = placed[k].label();
            if (keep[k]) {
                rasterize(placed[k], k, owner, rgb, h, w);
            }
        }
        return collect(rgb, owner, keep, label, items, h, w);
    }

    private SplittableRandom rng(int index) {
        return new SplittableRandom(seed + (index + 1L) * INDEX_STEP);
    }

    /** Scene index's background alone, [3, H, W] (for tests: what is left outside the items). */
    float[] backgroundOf(int index) {
        float[] rgb = new float[3 * config.height() * config.width()];
        background(rng(index), rgb, config.height(), config.width());
        return rgb;
    }

    /** Where, how large and in which colour one item goes. */
    private record Placement(int item, int label, int top, int left, int side, float[] tint) {
    }

    /** Smooth colour field (bilinear on a coarse random grid) plus per-pixel noise: clutter without objects. */
    private static void background(SplittableRandom rng, float[] rgb, int h, int w) {
        int plane = h * w;
        int grid = 6;
        for (int c = 0; c < 3; c++) {
            float base = (float) (0.15 + 0.45 * rng.nextDouble());
            float[] g = new float[(grid + 1) * (grid + 1)];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (base + 0.25 * (rng.nextDouble() - 0.5));
            }
            for (int y = 0; y < h; y++) {
                float gy = (float) y / h * grid;
                int y0 = (int) gy;
                float fy = gy - y0;
                for (int x = 0; x < w; x++) {
                    float gx = (float) x / w * grid;
                    int x0 = (int) gx;
                    float fx = gx - x0;
                    float v = (1 - fy) * ((1 - fx) * g[y0 * (grid + 1) + x0] + fx * g[y0 * (grid + 1) + x0 + 1])
                            + fy * ((1 - fx) * g[(y0 + 1) * (grid + 1) + x0] + fx * g[(y0 + 1) * (grid + 1) + x0 + 1]);
                    v += (float) (0.12 * (rng.nextDouble() - 0.5));
                    rgb[c * plane + y * w + x] = clamp01(v);
                }
            }
        }
    }

    private Placement choose(SplittableRandom rng) {
        int h = config.height();
        int w = config.width();
        int item = rng.nextInt(source.size());
        double scale = config.minScale() + (config.maxScale() - config.minScale()) * rng.nextDouble();
        int side = Math.max(4, Math.min(Math.min(h, w), (int) Math.round(FashionMnist.SIDE * scale)));
        int top = rng.nextInt(h - side + 1);
        int left = rng.nextInt(w - side + 1);
        return new Placement(item, source.label(item) + 1, top, left, side, tint(rng));
    }

    /**
     * Claims the item's mask pixels for instance k and, when rgb is given, paints the item over the canvas.
     * Returns the item's own mask area.
     */
    private int rasterize(Placement pl, int k, int[] owner, float[] rgb, int h, int w) {
        int side = pl.side();
        double s = (double) side / FashionMnist.SIDE;
        float threshold = (float) config.maskThreshold();
        int plane = h * w;
        int area = 0;
        for (int y = 0; y < side; y++) {
            double sy = (y + 0.5) / s - 0.5;
            for (int x = 0; x < side; x++) {
                double sx = (x + 0.5) / s - 0.5;
                float v = bilinear(pl.item(), sy, sx) / 255f;
                int p = (pl.top() + y) * w + pl.left() + x;
                if (v > threshold) {
                    owner[p] = k;
                    area++;
                }
                if (rgb == null) {
                    continue;
                }
                // opacity ramps up from half the mask threshold: what shows of an item is (nearly) its mask
                float alpha = Math.min(1f, (v - 0.5f * threshold) / (0.5f * threshold + 0.35f));
                if (alpha <= 0) {
                    continue;
                }
                float shade = 0.45f + 0.55f * v;
                for (int c = 0; c < 3; c++) {
                    int q = c * plane + p;
                    rgb[q] = (1 - alpha) * rgb[q] + alpha * pl.tint()[c] * shade;
                }
            }
        }
        return area;
    }

    /** Which instances stay: enough of their own mask visible, in fraction and in pixels. */
    private boolean[] judge(int[] owner, int[] ownArea, int items) {
        int[] visible = new int[items];
        for (int o : owner) {
            if (o >= 0) {
                visible[o]++;
            }
        }
        boolean[] keep = new boolean[items];
        for (int k = 0; k < items; k++) {
            keep[k] = visible[k] >= config.minVisiblePixels() && visible[k] >= (1 - config.maxOccluded()) * ownArea[k];
        }
        return keep;
    }

    /** Bilinear sample of a 28x28 item at fractional (y, x), zero outside (items sit on black). */
    private float bilinear(int item, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        float fy = (float) (y - y0);
        float fx = (float) (x - x0);
        return (1 - fy) * ((1 - fx) * at(item, y0, x0) + fx * at(item, y0, x0 + 1))
                + fy * ((1 - fx) * at(item, y0 + 1, x0) + fx * at(item, y0 + 1, x0 + 1));
    }

    private float at(int item, int y, int x) {
        if (y < 0 || x < 0 || y >= FashionMnist.SIDE || x >= FashionMnist.SIDE) {
            return 0;
        }
        return source.pixel(item, y, x);
    }

    /** A saturated, fairly bright random colour, so items stand out by shape rather than by brightness alone. */
    private static float[] tint(SplittableRandom rng) {
        float hue = (float) rng.nextDouble();
        float sat = (float) (0.45 + 0.55 * rng.nextDouble());
        float val = (float) (0.65 + 0.35 * rng.nextDouble());
        return hsvToRgb(hue, sat, val);
    }

    /** HSV (all in [0, 1]) to RGB in [0, 1]; plain arithmetic so scene making never touches AWT. */
    static float[] hsvToRgb(float h, float s, float v) {
        float f = (h - (float) Math.floor(h)) * 6f;
        int sector = Math.min(5, (int) f);
        float frac = f - sector;
        float p = v * (1 - s);
        float q = v * (1 - s * frac);
        float t = v * (1 - s * (1 - frac));
        return switch (sector) {
            case 0 -> new float[] {v, t, p};
            case 1 -> new float[] {q, v, p};
            case 2 -> new float[] {p, v, t};
            case 3 -> new float[] {p, q, v};
            case 4 -> new float[] {t, p, v};
            default -> new float[] {v, p, q};
        };
    }

    private Sample collect(float[] rgb, int[] owner, boolean[] keep, int[] label, int items, int h, int w) {
        int[] keptIndex = new int[items];
        int kept = 0;
        for (int k = 0; k < items; k++) {
            keptIndex[k] = keep[k] ? kept++ : -1;
        }
        int plane = h * w;
        byte[] masks = new byte[kept * plane];
        int[] x1 = new int[kept];
        int[] y1 = new int[kept];
        int[] x2 = new int[kept];
        int[] y2 = new int[kept];
        Arrays.fill(x1, Integer.MAX_VALUE);
        Arrays.fill(y1, Integer.MAX_VALUE);
        Arrays.fill(x2, Integer.MIN_VALUE);
        Arrays.fill(y2, Integer.MIN_VALUE);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = owner[y * w + x];
                if (o < 0 || keptIndex[o] < 0) {
                    continue;
                }
                int j = keptIndex[o];
                masks[j * plane + y * w + x] = 1;
                x1[j] = Math.min(x1[j], x);
                y1[j] = Math.min(y1[j], y);
                x2[j] = Math.max(x2[j], x + 1);
                y2[j] = Math.max(y2[j], y + 1);
            }
        }
        float[] boxes = new float[kept * 4];
        long[] labels = new long[kept];
        for (int k = 0; k < items; k++) {
            int j = keptIndex[k];
            if (j < 0) {
                continue;
            }
            boxes[4 * j] = x1[j];
            boxes[4 * j + 1] = y1[j];
            boxes[4 * j + 2] = x2[j];
            boxes[4 * j + 3] = y2[j];
            labels[j] = label[k];
        }
        return new Sample(Tensor.ofFloats(rgb, 3, h, w), Tensor.ofFloats(boxes, kept, 4), Tensor.ofLongs(labels, kept),
                Tensor.ofBytes(masks, kept, h, w));
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
