package org.rcnn4j.testing;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Inputs for the roi_align / roi_pool tests: fixture cases and random RoIs with the awkward kinds mixed in. */
public final class RoiTestData {
    private RoiTestData() {
    }

    /** One fixture case: NAME.input, NAME.boxes and NAME.params (output_h, output_w, scale, sampling, aligned). */
    public record Case(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned) {
    }

    /** The case names of a fixture file (every NAME with a NAME.params). */
    public static Stream<String> names(Map<String, Tensor> fixtures) {
        return fixtures.keySet().stream().filter(k -> k.endsWith(".params"))
                .map(k -> k.substring(0, k.length() - ".params".length())).sorted();
    }

    public static Case get(Map<String, Tensor> fixtures, String name) {
        Tensor p = fixtures.get(name + ".params");
        return new Case(fixtures.get(name + ".input"), fixtures.get(name + ".boxes"), (int) p.getDouble(0),
                (int) p.getDouble(1), (float) p.getDouble(2), (int) p.getDouble(3), p.getDouble(4) != 0);
    }

    /**
     * k RoIs [k,5] over n images of an imageWidth x imageHeight image: mostly ordinary boxes, with boxes partly
     * and wholly outside the image, zero-size and inverted boxes mixed in.
     */
    public static Tensor randomRois(RandomTensors rnd, int n, int k, float imageWidth, float imageHeight,
            DType dtype) {
        SplittableRandom r = rnd.random();
        double[] d = new double[5 * k];
        for (int i = 0; i < k; i++) {
            double x1 = r.nextDouble(-0.2, 0.8) * imageWidth;
            double y1 = r.nextDouble(-0.2, 0.8) * imageHeight;
            double x2 = x1 + r.nextDouble(0.05, 0.7) * imageWidth;
            double y2 = y1 + r.nextDouble(0.05, 0.7) * imageHeight;
            switch (r.nextInt(8)) {
                case 0 -> { // wholly outside
                    x1 += 1.5 * imageWidth;
                    x2 += 1.5 * imageWidth;
                }
                case 1 -> { // zero-size
                    x2 = x1;
                    y2 = y1;
                }
                case 2 -> { // inverted
                    double t = x1;
                    x1 = x2;
                    x2 = t;
                }
                default -> {
                }
            }
            d[5 * i] = r.nextInt(n);
            d[5 * i + 1] = x1;
            d[5 * i + 2] = y1;
            d[5 * i + 3] = x2;
            d[5 * i + 4] = y2;
        }
        return of(d, dtype, k, 5);
    }

    /** Channel ch of a [A,C,H,W] tensor as a [A,1,H,W] tensor (host, same dtype). */
    public static Tensor channel(Tensor t, int ch) {
        int[] s = t.shape();
        int plane = s[2] * s[3];
        double[] d = new double[s[0] * plane];
        for (int a = 0; a < s[0]; a++) {
            for (int i = 0; i < plane; i++) {
                d[a * plane + i] = t.getDouble((a * s[1] + ch) * plane + i);
            }
        }
        return of(d, t.dtype(), s[0], 1, s[2], s[3]);
    }

    /** A host tensor of dtype F32, F64, I32 or I64 holding values d. */
    public static Tensor of(double[] d, DType dtype, int... shape) {
        switch (dtype) {
            case F64:
                return Tensor.ofDoubles(d.clone(), shape);
            case F32: {
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                return Tensor.ofFloats(f, shape);
            }
            case I32: {
                int[] f = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (int) d[i];
                }
                return Tensor.ofInts(f, shape);
            }
            case I64: {
                long[] f = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (long) d[i];
                }
                return Tensor.ofLongs(f, shape);
            }
            default:
                throw new IllegalArgumentException("dtype " + dtype);
        }
    }

    /** The elements of t as doubles (exact for every dtype the RoI tests use), to rebuild it with {@link #of}. */
    public static double[] values(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return d;
    }

    /** t converted to dtype, same shape (a random F32 tensor reused as F64 input, for example). */
    public static Tensor as(Tensor t, DType dtype) {
        return of(values(t), dtype, t.shape());
    }
}
