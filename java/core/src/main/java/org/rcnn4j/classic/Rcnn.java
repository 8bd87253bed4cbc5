package org.rcnn4j.classic;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * A trained R-CNN (Girshick et al. 2014): selective-search proposals, each warped and described by the frozen
 * {@link FeatureExtractor} (features scaled by one constant fixed in training), scored by one linear SVM per class,
 * moved by the class's {@link BoxRegressor}, then per-class greedy NMS (IoU 0.3, the paper's) and the best
 * {@code maxDetections} of the image. Classes are 0-based here; labels in the output are class + 1.
 */
public final class Rcnn implements AutoCloseable {
    /** Test-time settings. */
    public record Options(int maxProposals, float nmsIou, int maxDetections) {
        public static Options paper() {
            return new Options(2000, 0.3f, 100);
        }
    }

    /** Detections of one image: boxes [n, 4] (x1, y1, x2, y2), scores [n] (SVM margins), labels [n] (1-based). */
    public record Detections(float[] boxes, float[] scores, long[] labels) {
        public int count() {
            return scores.length;
        }
    }

    /** An image's proposals, their (scaled) features and every class's SVM score [classes][n]. */
    public record Scored(float[][] proposals, float[] features, float[][] scores) {
    }

    private final FeatureExtractor extractor;
    private final float featureScale;
    private final LinearSvm[] svms;
    private final BoxRegressor[] regressors;
    private final Options options;

    public Rcnn(FeatureExtractor extractor, float featureScale, LinearSvm[] svms, BoxRegressor[] regressors,
            Options options) {
        if (svms.length != regressors.length || svms.length == 0) {
            throw new IllegalArgumentException("one SVM and one regressor per class, got " + svms.length + " and "
                    + regressors.length);
        }
        this.extractor = extractor;
        this.featureScale = featureScale;
        this.svms = svms.clone();
        this.regressors = regressors.clone();
        this.options = options;
    }

    public int classes() {
        return svms.length;
    }

    public LinearSvm svm(int c) {
        return svms[c];
    }

    public BoxRegressor regressor(int c) {
        return regressors[c];
    }

    public FeatureExtractor extractor() {
        return extractor;
    }

    public float featureScale() {
        return featureScale;
    }

    public Options options() {
        return options;
    }

    /** Features of boxes scaled as in training. */
    float[] features(float[] image, int h, int w, float[][] boxes) {
        float[] f = extractor.features(image, h, w, boxes);
        for (int i = 0; i < f.length; i++) {
            f[i] *= featureScale;
        }
        return f;
    }

    /** Detections of an F32 [3, h, w] image in [0, 1]. */
    public Detections detect(float[] image, int h, int w) {
        return detections(score(image, h, w), h, w, true);
    }

    public Scored score(float[] image, int h, int w) {
        float[][] props = RcnnScenes.proposals(image, h, w, options.maxProposals());
        float[] f = features(image, h, w, props);
        float[][] s = new float[svms.length][props.length];
        for (int c = 0; c < svms.length; c++) {
            for (int i = 0; i < props.length; i++) {
                s[c][i] = svms[c].score(f, i);
            }
        }
        return new Scored(props, f, s);
    }

    /** Regression (when asked), per-class NMS and the top detections of a scored image. */
    public Detections detections(Scored sc, int h, int w, boolean regress) {
        int n = sc.proposals().length;
        int k = svms.length;
        int m = n * k;
        float[] boxes = new float[m * 4];
        float[] scores = new float[m];
        long[] idx = new long[m];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                int j = c * n + i;
                float[] b = sc.proposals()[i];
                if (regress) {
                    b = BoxRegressor.apply(b, regressors[c].predict(sc.features(), i));
                }
                boxes[4 * j] = clamp(b[0], w);
                boxes[4 * j + 1] = clamp(b[1], h);
                boxes[4 * j + 2] = clamp(b[2], w);
                boxes[4 * j + 3] = clamp(b[3], h);
                scores[j] = sc.scores()[c][i];
                idx[j] = c;
            }
        }
        if (m == 0) {
            return new Detections(new float[0], new float[0], new long[0]);
        }
        Backend b = extractor.backend();
        long[] keep = b.toHost(b.boxes().batchedNms(b.toDevice(Tensor.ofFloats(boxes, m, 4)),
                b.toDevice(Tensor.ofFloats(scores, m)), b.toDevice(Tensor.ofLongs(idx, m)), options.nmsIou()))
                .longs();
        int out = Math.min(keep.length, options.maxDetections());
        float[] ob = new float[out * 4];
        float[] os = new float[out];
        long[] ol = new long[out];
        for (int i = 0; i < out; i++) {
            int j = (int) keep[i];
            System.arraycopy(boxes, 4 * j, ob, 4 * i, 4);
            os[i] = scores[j];
            ol[i] = idx[j] + 1;
        }
        return new Detections(ob, os, ol);
    }

    private static float clamp(float v, int hi) {
        return v < 0 ? 0 : (v > hi ? hi : v);
    }

    @Override
    public void close() {
        extractor.close();
    }
}
