package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * RoIHeads.postprocess_detections: per proposal and class (background dropped) a decoded, clipped box scored by
 * the softmax; keep score &gt; scoreThresh, width and height &ge; 1e-2, batched NMS per class, the first
 * detectionsPerImg by score.
 */
public final class DetectionPostprocess {
    /** remove_small_boxes min_size in postprocess_detections. */
    public static final float MIN_SIZE = 1e-2f;

    private DetectionPostprocess() {
    }

    /** With torchvision's defaults: score_thresh 0.05, nms_thresh 0.5, detections_per_img 100. */
    public static List<Detections> postprocess(Backend backend, Tensor classLogits, Tensor boxRegression,
            List<Tensor> proposals, List<int[]> imageShapes) {
        return postprocess(backend, classLogits, boxRegression, proposals, imageShapes, 0.05f, 0.5f, 100);
    }

    /**
     * @param classLogits   [N,C] F32 for all images' proposals, image after image
     * @param boxRegression [N,4C] F32
     * @param proposals     per image [P_i,4]
     * @param imageShapes   per image (height, width) of the resized image (the boxes are clipped to it)
     */
    public static List<Detections> postprocess(Backend backend, Tensor classLogits, Tensor boxRegression,
            List<Tensor> proposals, List<int[]> imageShapes, float scoreThresh, float nmsThresh,
            int detectionsPerImg) {
        Host.sameSize("proposals", proposals, "image_shapes", imageShapes);
        if (classLogits.dim() != 2) {
            throw new IllegalArgumentException("class_logits: expected [N,C], got " + classLogits);
        }
        int n = classLogits.size(0);
        int c = classLogits.size(1);
        if (boxRegression.dim() != 2 || boxRegression.size(0) != n || boxRegression.size(1) != 4 * c) {
            throw new IllegalArgumentException("box_regression: expected [" + n + "," + 4 * c + "], got "
                    + boxRegression);
        }
        float[] all = new float[4 * n];
        int k = 0;
        for (Tensor p : proposals) {
            int r = Host.rowsOf(p, "proposals");
            if (k + r > n) {
                throw new IllegalArgumentException("proposals: more proposals than rows of class_logits (" + n + ")");
            }
            System.arraycopy(Host.floats(backend, p), 0, all, 4 * k, 4 * r);
            k += r;
        }
        if (k != n) {
            throw new IllegalArgumentException("proposals: " + k + " proposals for " + n + " rows of class_logits");
        }
        float[] scores = Softmax.rows(Host.floats(backend, classLogits), n, c);
        float[] decoded;
        try (Tensor props = Host.floatsOn(backend, all, n, 4);
                Tensor d = backend.boxes().decodeBoxes(boxRegression, props, BoxCoding.ROI_WEIGHTS,
                        BoxCoding.BBOX_XFORM_CLIP)) {
            decoded = Host.floats(backend, d).clone();
        }
        List<Detections> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < proposals.size(); i++) {
            int r = proposals.get(i).size(0);
            out.add(image(backend, decoded, scores, start, r, c, imageShapes.get(i), scoreThresh, nmsThresh,
                    detectionsPerImg));
            start += r;
        }
        return out;
    }

    private static Detections image(Backend b, float[] decoded, float[] scores, int start, int rows, int c,
            int[] shape, float scoreThresh, float nmsThresh, int limit) {
        float[] clipped;
        float[] mine = new float[rows * c * 4];
        System.arraycopy(decoded, start * c * 4, mine, 0, mine.length);
        try (Tensor boxes = Host.floatsOn(b, mine, rows * c, 4);
                Tensor cl = b.boxes().clipBoxesToImage(boxes, shape[0], shape[1])) {
            clipped = Host.floats(b, cl).clone();
        }
        // proposal-major, class-minor, background dropped, score > thresh (float32 compare as torch)
        int cap = rows * (c - 1);
        float[] kb = new float[4 * cap];
        float[] ks = new float[cap];
        long[] kl = new long[cap];
        int m = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 1; j < c; j++) {
                float s = scores[(start + r) * c + j];
                if (s > scoreThresh) {
                    System.arraycopy(clipped, (r * c + j) * 4, kb, 4 * m, 4);
                    ks[m] = s;
                    kl[m++] = j;
                }
            }
        }
        long[] big;
        try (Tensor t = Host.floatsOn(b, java.util.Arrays.copyOf(kb, 4 * m), m, 4);
                Tensor keep = b.boxes().removeSmallBoxes(t, MIN_SIZE)) {
            big = Host.longs(b, keep).clone();
        }
        int q = big.length;
        float[] bb = Host.rows4(kb, big);
        float[] bs = new float[q];
        long[] bl = new long[q];
        for (int i = 0; i < q; i++) {
            bs[i] = ks[(int) big[i]];
            bl[i] = kl[(int) big[i]];
        }
        long[] kept;
        try (Tensor tb = Host.floatsOn(b, bb, q, 4);
                Tensor ts = Host.floatsOn(b, bs, q);
                Tensor tl = Host.longsOn(b, bl, q);
                Tensor keep = b.boxes().batchedNms(tb, ts, tl, nmsThresh)) {
            kept = Host.longs(b, keep).clone();
        }
        int d = Math.min(limit, kept.length);
        long[] top = java.util.Arrays.copyOf(kept, d);
        float[] fs = new float[d];
        long[] fl = new long[d];
        for (int i = 0; i < d; i++) {
            fs[i] = bs[(int) top[i]];
            fl[i] = bl[(int) top[i]];
        }
        return new Detections(Host.floatsOn(b, Host.rows4(bb, top), d, 4), Host.floatsOn(b, fs, d),
                Host.longsOn(b, fl, d));
    }
}
