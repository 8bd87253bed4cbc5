package org.rcnn4j.bench;

import java.util.SplittableRandom;
import org.rcnn4j.tensor.Tensor;

/**
 * Deterministic benchmark inputs shaped like a detector's: feature maps of an 800x1216 image, proposals
 * clustered around objects, mask logits. The same seed gives the same tensors on every machine.
 */
final class BenchData {
    /** Image and stride-16 feature map of the Faster R-CNN benchmarks. */
    static final int IMAGE_H = 800;
    static final int IMAGE_W = 1216;
    static final int MAP_H = 50;
    static final int MAP_W = 76;
    static final float SCALE = 1f / 16;

    private final SplittableRandom random;

    BenchData(long seed) {
        this.random = new SplittableRandom(seed);
    }

    Tensor normal(int... shape) {
        Tensor t = Tensor.zeros(org.rcnn4j.tensor.DType.F32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            d[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return t;
    }

    Tensor uniform(float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(org.rcnn4j.tensor.DType.F32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
        return t;
    }

    /**
     * n proposals [n,4] around {@code objects} object boxes in a width x height image: each a jittered copy of
     * an object, as an RPN produces them, so NMS has real suppression work.
     */
    Tensor proposals(int n, int objects, float width, float height) {
        float[] obj = new float[objects * 4];
        for (int o = 0; o < objects; o++) {
            float w = 16 + (float) random.nextDouble() * (width / 3);
            float h = 16 + (float) random.nextDouble() * (height / 3);
            float x = (float) random.nextDouble() * (width - w);
            float y = (float) random.nextDouble() * (height - h);
            obj[4 * o] = x;
            obj[4 * o + 1] = y;
            obj[4 * o + 2] = x + w;
            obj[4 * o + 3] = y + h;
        }
        float[] b = new float[n * 4];
        for (int i = 0; i < n; i++) {
            int o = random.nextInt(objects);
            float w = obj[4 * o + 2] - obj[4 * o];
            float h = obj[4 * o + 3] - obj[4 * o + 1];
            float x1 = clamp(obj[4 * o] + jitter(w), 0, width - 2);
            float y1 = clamp(obj[4 * o + 1] + jitter(h), 0, height - 2);
            float x2 = clamp(obj[4 * o + 2] + jitter(w), x1 + 1, width);
            float y2 = clamp(obj[4 * o + 3] + jitter(h), y1 + 1, height);
            b[4 * i] = x1;
            b[4 * i + 1] = y1;
            b[4 * i + 2] = x2;
            b[4 * i + 3] = y2;
        }
        return Tensor.ofFloats(b, n, 4);
    }

    /** RoIs [k,5] (batch index 0, box) over an image, from proposals. */
    Tensor rois(int k, float width, float height) {
        float[] p = proposals(k, Math.max(1, k / 10), width, height).floats();
        float[] r = new float[k * 5];
        for (int i = 0; i < k; i++) {
            System.arraycopy(p, 4 * i, r, 5 * i + 1, 4);
        }
        return Tensor.ofFloats(r, k, 5);
    }

    private float jitter(float extent) {
        return (float) ((random.nextDouble() - 0.5) * 0.2 * extent);
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
