package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rcnn4j.tensor.Tensor;

/**
 * Weighted boxes fusion (Solovyev, Wang and Gabruseva, "Weighted boxes fusion: ensembling boxes from different
 * object detection models", 2019) of one image's detections from several views: each detection, by decreasing
 * score, joins the cluster of its label whose fused box it overlaps most at IoU above the threshold, or starts one.
 * A cluster's box is its members' score-weighted mean, its score their sum over the number of views (what one view
 * of four finds alone keeps a quarter of its score), its mask the score-weighted mean of its members' masks.
 * Unlike NMS, which keeps one view's box and score, every view's evidence counts.
 */
final class WeightedBoxFusion {
    private WeightedBoxFusion() {
    }

    /**
     * One view's detection in the image's own pixels: box (x1, y1, x2, y2), score, label, and for Mask R-CNN its
     * probabilities at their paste window (F32), else null.
     */
    record Candidate(float[] box, float score, long label, MaskCrop mask) {
    }

    /** A fused detection and the candidates it was made of, the highest-scoring first. */
    record Fused(float[] box, float score, long label, List<Candidate> members) {
    }

    /** Fused detections as rows: boxes [D, 4], scores [D] and labels [D], in the list's order. */
    record Rows(float[] boxes, float[] scores, long[] labels) {
        static Rows of(List<Fused> fused) {
            int n = fused.size();
            Rows r = new Rows(new float[4 * n], new float[n], new long[n]);
            for (int k = 0; k < n; k++) {
                System.arraycopy(fused.get(k).box(), 0, r.boxes, 4 * k, 4);
                r.scores[k] = fused.get(k).score();
                r.labels[k] = fused.get(k).label();
            }
            return r;
        }
    }

    /**
     * The clusters of {@code candidates} (any order; ties in score keep the given order) as fused detections, by
     * decreasing score.
     */
    static List<Fused> fuse(List<Candidate> candidates, int views, float iouThreshold) {
        List<Candidate> byScore = new ArrayList<>(candidates);
        byScore.sort(Comparator.comparingDouble(c -> -c.score())); // stable: ties stay in view order
        List<List<Candidate>> clusters = new ArrayList<>();
        List<float[]> boxes = new ArrayList<>();
        for (Candidate c : byScore) {
            int best = -1;
            float bestIou = iouThreshold;
            for (int k = 0; k < clusters.size(); k++) {
                if (clusters.get(k).get(0).label() == c.label()) {
                    float o = iou(boxes.get(k), c.box());
                    if (o > bestIou) {
                        bestIou = o;
                        best = k;
                    }
                }
            }
            if (best < 0) {
                clusters.add(new ArrayList<>(List.of(c)));
                boxes.add(c.box().clone());
            } else {
                clusters.get(best).add(c);
                boxes.set(best, weightedBox(clusters.get(best)));
            }
        }
        List<Fused> out = new ArrayList<>(clusters.size());
        for (int k = 0; k < clusters.size(); k++) {
            List<Candidate> members = clusters.get(k);
            double sum = 0;
            for (Candidate c : members) {
                sum += c.score();
            }
            out.add(new Fused(boxes.get(k), (float) (sum / Math.max(views, members.size())), members.get(0).label(),
                    List.copyOf(members)));
        }
        out.sort(Comparator.comparingDouble(f -> -f.score()));
        return out;
    }

    /** The members' score-weighted mean box. */
    private static float[] weightedBox(List<Candidate> members) {
        double[] acc = new double[4];
        double weight = 0;
        for (Candidate c : members) {
            for (int j = 0; j < 4; j++) {
                acc[j] += (double) c.score() * c.box()[j];
            }
            weight += c.score();
        }
        float[] box = new float[4];
        for (int j = 0; j < 4; j++) {
            box[j] = (float) (acc[j] / weight);
        }
        return box;
    }

    /**
     * The members' score-weighted mean mask over the union of their paste windows, F32 (a member is 0 outside its
     * window, as its full-size mask is); one member's mask is returned as it is.
     */
    static MaskCrop fuseMasks(List<Candidate> members) {
        MaskCrop first = members.get(0).mask();
        if (members.size() == 1) {
            return first;
        }
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = Integer.MIN_VALUE;
        int y1 = Integer.MIN_VALUE;
        double weight = 0;
        for (Candidate c : members) {
            MaskCrop m = c.mask();
            weight += c.score();
            if (m.width() > 0 && m.height() > 0) {
                x0 = Math.min(x0, m.x0());
                y0 = Math.min(y0, m.y0());
                x1 = Math.max(x1, m.x1());
                y1 = Math.max(y1, m.y1());
            }
        }
        if (x0 == Integer.MAX_VALUE) { // no member pastes anything
            return new MaskCrop(first.imageHeight(), first.imageWidth(), 0, 0, 0, 0, Tensor.ofFloats(new float[0], 0,
                    0));
        }
        int w = x1 - x0;
        double[] acc = new double[(y1 - y0) * w];
        for (Candidate c : members) {
            MaskCrop m = c.mask();
            float[] v = m.values().floats();
            for (int y = 0; y < m.height(); y++) {
                int to = (m.y0() + y - y0) * w + m.x0() - x0;
                for (int x = 0; x < m.width(); x++) {
                    acc[to + x] += (double) c.score() * v[y * m.width() + x];
                }
            }
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = (float) (acc[i] / weight);
        }
        return new MaskCrop(first.imageHeight(), first.imageWidth(), x0, y0, x1, y1, Tensor.ofFloats(out, y1 - y0, w));
    }

    /** IoU of two (x1, y1, x2, y2) boxes; 0 when they do not overlap or either is empty. */
    static float iou(float[] a, float[] b) {
        float iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        float ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        float inter = iw * ih;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }
}
