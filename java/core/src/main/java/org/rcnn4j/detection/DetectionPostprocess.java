package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.Selection;
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
        return postprocess(backend, classLogits, boxRegression, proposals, imageShapes, scoreThresh, nmsThresh,
                detectionsPerImg, BoxCoding.ROI_WEIGHTS);
    }

    /** As above, the box regression decoded with {@code weights} (bbox_reg_weights). */
    public static List<Detections> postprocess(Backend backend, Tensor classLogits, Tensor boxRegression,
            List<Tensor> proposals, List<int[]> imageShapes, float scoreThresh, float nmsThresh,
            int detectionsPerImg, float[] weights) {
        check(classLogits, "class_logits", boxRegression, proposals, imageShapes);
        try (Tensor scores = backend.select().softmaxRows(classLogits)) {
            return select(backend, scores, boxRegression, proposals, imageShapes, scoreThresh, nmsThresh,
                    detectionsPerImg, weights);
        }
    }

    /**
     * As {@link #postprocess(Backend, Tensor, Tensor, List, List, float, float, int, float[])} with the class
     * probabilities [N,C] given instead of the logits (the box head's refinements average them over passes).
     */
    static List<Detections> fromProbabilities(Backend backend, Tensor classProbabilities, Tensor boxRegression,
            List<Tensor> proposals, List<int[]> imageShapes, float scoreThresh, float nmsThresh,
            int detectionsPerImg, float[] weights) {
        check(classProbabilities, "class_probabilities", boxRegression, proposals, imageShapes);
        return select(backend, classProbabilities, boxRegression, proposals, imageShapes, scoreThresh, nmsThresh,
                detectionsPerImg, weights);
    }

    private static void check(Tensor classScores, String name, Tensor boxRegression, List<Tensor> proposals,
            List<int[]> imageShapes) {
        Host.sameSize("proposals", proposals, "image_shapes", imageShapes);
        if (classScores.dim() != 2) {
            throw new IllegalArgumentException(name + ": expected [N,C], got " + classScores);
        }
        int n = classScores.size(0);
        int c = classScores.size(1);
        if (boxRegression.dim() != 2 || boxRegression.size(0) != n || boxRegression.size(1) != 4 * c) {
            throw new IllegalArgumentException("box_regression: expected [" + n + "," + 4 * c + "], got "
                    + boxRegression);
        }
        int k = 0;
        for (Tensor p : proposals) {
            int r = Host.rowsOf(p, "proposals");
            if (k + r > n) {
                throw new IllegalArgumentException("proposals: more proposals than rows of " + name + " (" + n + ")");
            }
            k += r;
        }
        if (k != n) {
            throw new IllegalArgumentException("proposals: " + k + " proposals for " + n + " rows of " + name);
        }
    }

    private static List<Detections> select(Backend backend, Tensor scores, Tensor boxRegression,
            List<Tensor> proposals, List<int[]> imageShapes, float scoreThresh, float nmsThresh,
            int detectionsPerImg, float[] weights) {
        int c = scores.size(1);
        Select sel = backend.select();
        List<Detections> out = new ArrayList<>();
        try (TensorBin bin = new TensorBin()) {
            Tensor all = bin.add(sel.catRows(proposals));
            Tensor decoded = bin.add(backend.boxes().decodeBoxes(boxRegression, all, weights,
                    BoxCoding.BBOX_XFORM_CLIP));
            // the candidates in torchvision's order, proposal-major and class-minor, background dropped: which of
            // an image's rows * c decoded boxes they are, and their labels (the same for every image's first rows)
            int most = 0;
            for (Tensor p : proposals) {
                most = Math.max(most, p.size(0));
            }
            long[] column = new long[most * (c - 1)];
            long[] label = new long[most * (c - 1)];
            for (int r = 0, m = 0; r < most; r++) {
                for (int j = 1; j < c; j++, m++) {
                    column[m] = (long) r * c + j;
                    label[m] = j;
                }
            }
            Tensor columns = bin.add(backend.toDevice(Tensor.ofLongs(column, column.length)));
            Tensor labels = bin.add(backend.toDevice(Tensor.ofLongs(label, label.length)));
            List<Tensor[]> kept = new ArrayList<>();
            List<Tensor> counts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < proposals.size(); i++) {
                int rows = proposals.get(i).size(0);
                int[] shape = imageShapes.get(i);
                int cand = rows * (c - 1);
                Tensor mine = bin.add(sel.rows(decoded, start, rows)).reshape(rows * c, 4);
                Tensor clipped = bin.add(backend.boxes().clipBoxesToImage(mine, shape[0], shape[1]));
                Tensor col = bin.add(sel.rows(columns, 0, cand));
                Tensor candBoxes = bin.add(sel.gatherRows(clipped, col));
                Tensor candScores = bin.add(sel.gatherRows(bin.add(sel.rows(scores, start, rows)).reshape(rows * c),
                        col));
                Tensor candLabels = bin.add(sel.rows(labels, 0, cand));
                // score > score_thresh, then remove_small_boxes(1e-2), then NMS per class, the best detections_per_img
                Tensor keep = bin.add(sel.keepMask(candBoxes, candScores, MIN_SIZE, scoreThresh, true));
                Selection top = sel.batchedNms(candBoxes, candScores, candLabels, keep, nmsThresh, detectionsPerImg);
                bin.add(top.indices());
                counts.add(bin.add(top.count()));
                kept.add(new Tensor[] {bin.add(sel.gatherRows(candBoxes, top.indices())),
                        bin.add(sel.gatherRows(candScores, top.indices())),
                        bin.add(sel.gatherRows(candLabels, top.indices()))});
                start += rows;
            }
            // the one read: how many detections each image keeps
            List<Tensor> hostCounts = backend.toHost(counts);
            for (int i = 0; i < kept.size(); i++) {
                int d = hostCounts.get(i).ints()[0];
                Tensor[] t = kept.get(i);
                out.add(new Detections(ProposalFilter.exact(sel, t[0], d), ProposalFilter.exact(sel, t[1], d),
                        ProposalFilter.exact(sel, t[2], d)));
            }
        }
        return out;
    }
}
