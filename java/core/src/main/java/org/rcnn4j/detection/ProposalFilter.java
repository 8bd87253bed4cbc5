package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Select;
import org.rcnn4j.backend.Selection;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * RegionProposalNetwork.filter_proposals with the decode of its forward (BoxCoder weights (1,1,1,1), dw/dh
 * clamped at log(1000/16)): per image, the top pre_nms_top_n anchors of each level by raw logit, decoded, sigmoid,
 * clipped to the unpadded image, boxes narrower or lower than min_size removed, scores below score_thresh removed,
 * NMS per level, the first post_nms_top_n kept (by decreasing score). Every step runs on the backend; the only
 * read back is the number of proposals each image keeps (one synchronization for all images).
 */
public final class ProposalFilter {
    /** BoxCoder's default bbox_xform_clip, log(1000/16), as the float32 it is compared in. */
    public static final float BBOX_XFORM_CLIP = (float) Math.log(1000.0 / 16);
    private static final float[] UNIT_WEIGHTS = {1f, 1f, 1f, 1f};

    /** One image's proposals: boxes F32 [K, 4] (x1, y1, x2, y2) and objectness probabilities F32 [K]. */
    public record Proposals(Tensor boxes, Tensor scores) {
    }

    /** Settings: torchvision's are (1000, 1000, 0.7, 0.0, 1e-3) in eval mode. */
    public record Settings(int preNmsTopN, int postNmsTopN, float nmsThresh, float scoreThresh, float minSize) {
        public static Settings eval(RcnnConfig c) {
            return new Settings(c.rpnPreNmsTopNTest(), c.rpnPostNmsTopNTest(), c.rpnNmsThresh(), c.rpnScoreThresh(),
                    1e-3f);
        }
    }

    private ProposalFilter() {
    }

    /**
     * @param anchors F32 [A, 4], the same for every image (level-major, as the anchor generator concatenates them)
     * @param deltas F32 [N, A, 4] box regression of the RPN head, flattened like torchvision's
     * @param objectness F32 [N, A] logits
     * @param anchorsPerLevel how many of the A anchors each level has, in order
     * @param imageSizes per image the resized, unpadded (H, W)
     */
    public static List<Proposals> filter(Backend backend, Tensor anchors, Tensor deltas, Tensor objectness,
            int[] anchorsPerLevel, int[][] imageSizes, Settings s) {
        check(anchors, deltas, objectness, anchorsPerLevel, imageSizes, s);
        int n = objectness.size(0);
        int a = objectness.size(1);
        Select sel = backend.select();
        List<Proposals> out = new ArrayList<>(n);
        try (TensorBin bin = new TensorBin()) {
            // top-k of each level on the raw logits: a static width m, the level of each column known
            Tensor top = bin.add(sel.topKSegments(objectness, anchorsPerLevel, s.preNmsTopN()));
            int m = top.size(1);
            if (m == 0) {
                for (int img = 0; img < n; img++) {
                    out.add(new Proposals(backend.toDevice(Tensor.zeros(DType.F32, 0, 4)),
                            backend.toDevice(Tensor.zeros(DType.F32, 0))));
                }
                return out;
            }
            long[] level = new long[m];
            int at = 0;
            for (int l = 0; l < anchorsPerLevel.length; l++) {
                for (int t = Math.min(anchorsPerLevel[l], s.preNmsTopN()); t > 0; t--) {
                    level[at++] = l;
                }
            }
            Tensor levels = bin.add(backend.toDevice(Tensor.ofLongs(level, m)));
            List<Tensor> boxes = new ArrayList<>(n);
            List<Tensor> scores = new ArrayList<>(n);
            List<Tensor> counts = new ArrayList<>(n);
            for (int img = 0; img < n; img++) {
                Tensor idx = bin.add(sel.rows(top, img, 1)).reshape(m);
                Tensor logits = bin.add(sel.gatherRows(bin.add(sel.rows(objectness, img, 1)).reshape(a), idx));
                Tensor prob = bin.add(sel.sigmoid(logits));
                Tensor picked = bin.add(sel.gatherRows(bin.add(sel.rows(deltas, img, 1)).reshape(a, 4), idx));
                Tensor pickedAnchors = bin.add(sel.gatherRows(anchors, idx));
                Tensor decoded = bin.add(backend.boxes().decodeBoxes(picked, pickedAnchors, UNIT_WEIGHTS,
                        BBOX_XFORM_CLIP));
                Tensor clipped = bin.add(backend.boxes().clipBoxesToImage(decoded, imageSizes[img][0],
                        imageSizes[img][1]));
                // remove_small_boxes, then score >= score_thresh, then batched NMS per level, the first post_nms_top_n
                Tensor keep = bin.add(sel.keepMask(clipped, prob, s.minSize(), s.scoreThresh(), false));
                Selection kept = sel.batchedNms(clipped, prob, levels, keep, s.nmsThresh(), s.postNmsTopN());
                bin.add(kept.indices());
                counts.add(bin.add(kept.count()));
                boxes.add(bin.add(sel.gatherRows(clipped, kept.indices())));
                scores.add(bin.add(sel.gatherRows(prob, kept.indices())));
            }
            // the one read: how many proposals each image keeps
            List<Tensor> hostCounts = backend.toHost(counts);
            for (int img = 0; img < n; img++) {
                int r = hostCounts.get(img).ints()[0];
                out.add(new Proposals(exact(sel, boxes.get(img), r), exact(sel, scores.get(img), r)));
            }
        }
        return out;
    }

    /** The first r rows of a fixed-capacity tensor as a tensor of its own (the capacity tensor is closed by its bin). */
    static Tensor exact(Select sel, Tensor capacity, int r) {
        try (Tensor view = sel.rows(capacity, 0, r)) {
            return sel.catRows(List.of(view));
        }
    }

    private static void check(Tensor anchors, Tensor deltas, Tensor objectness, int[] anchorsPerLevel,
            int[][] imageSizes, Settings s) {
        if (objectness.dtype() != DType.F32 || objectness.dim() != 2) {
            throw new IllegalArgumentException("objectness must be F32 [N, A], got " + objectness.dtype()
                    + Shapes.format(objectness.shape()));
        }
        int n = objectness.size(0);
        int a = objectness.size(1);
        if (deltas.dtype() != DType.F32 || deltas.dim() != 3 || deltas.size(0) != n || deltas.size(1) != a
                || deltas.size(2) != 4) {
            throw new IllegalArgumentException("pred_bbox_deltas must be F32 [" + n + ", " + a + ", 4], got "
                    + deltas.dtype() + Shapes.format(deltas.shape()));
        }
        if (anchors.dtype() != DType.F32 || anchors.dim() != 2 || anchors.size(0) != a || anchors.size(1) != 4) {
            throw new IllegalArgumentException("anchors must be F32 [" + a + ", 4], got " + anchors.dtype()
                    + Shapes.format(anchors.shape()));
        }
        long sum = 0;
        for (int l : anchorsPerLevel) {
            if (l < 0) {
                throw new IllegalArgumentException("num_anchors_per_level must not be negative");
            }
            sum += l;
        }
        if (sum != a) {
            throw new IllegalArgumentException("num_anchors_per_level sums to " + sum + ", objectness has " + a
                    + " anchors");
        }
        if (imageSizes.length != n) {
            throw new IllegalArgumentException("image_shapes has " + imageSizes.length + " sizes for " + n
                    + " images");
        }
        if (s.preNmsTopN() < 0 || s.postNmsTopN() < 0) {
            throw new IllegalArgumentException("pre_nms_top_n and post_nms_top_n must not be negative");
        }
    }
}
