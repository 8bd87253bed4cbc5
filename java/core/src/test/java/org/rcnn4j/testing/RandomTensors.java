package org.rcnn4j.testing;

import java.util.SplittableRandom;
import org.rcnn4j.tensor.Tensor;

/**
 * Fresh random inputs (never zeros). Each test draws its own seed and prints it on failure through
 * {@link #seed()}, so a failing draw can be replayed with -Drcnn4j.test.seed=N.
 */
public final class RandomTensors {
    private final long seed;
    private final SplittableRandom random;

    public RandomTensors() {
        String fixed = System.getProperty("rcnn4j.test.seed");
        this.seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        this.random = new SplittableRandom(seed);
    }

    public RandomTensors(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    public SplittableRandom random() {
        return random;
    }

    /** Uniform in [lo, hi). */
    public Tensor uniform(float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(org.rcnn4j.tensor.DType.F32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
        return t;
    }

    /** Standard normal values. */
    public Tensor normal(int... shape) {
        Tensor t = Tensor.zeros(org.rcnn4j.tensor.DType.F32, shape);
        float[] d = t.floats();
        for (int i = 0; i < d.length; i++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            d[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return t;
    }

    /** Boxes [n,4] (x1,y1,x2,y2) with x1 &lt; x2, y1 &lt; y2 inside a width x height image, sides &ge; minSide. */
    public Tensor boxes(int n, float width, float height, float minSide) {
        Tensor t = Tensor.zeros(org.rcnn4j.tensor.DType.F32, n, 4);
        float[] d = t.floats();
        for (int i = 0; i < n; i++) {
            float w = minSide + (float) random.nextDouble() * (width - minSide);
            float h = minSide + (float) random.nextDouble() * (height - minSide);
            float x = (float) random.nextDouble() * (width - w);
            float y = (float) random.nextDouble() * (height - h);
            d[4 * i] = x;
            d[4 * i + 1] = y;
            d[4 * i + 2] = x + w;
            d[4 * i + 3] = y + h;
        }
        return t;
    }
}
