package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * RegionProposalNetwork.filter_proposals with the decode of its forward (BoxCoder weights (1,1,1,1), dw/dh
 * clamped at log(1000/16)): per image, the top pre_nms_top_n anchors of each level by raw logit, decoded, sigmoid,
 * clipped to the unpadded image, boxes narrower or lower than min_size removed, scores below score_thresh removed,
 * NMS per level, the first post_nms_top_n kept (by decreasing score). Top-k, sigmoid and gathers run on the host;
 * decode, clip, remove-small and batched NMS on the backend.
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
        Tensor hostAnchors = backend.toHost(anchors);
        Tensor hostDeltas = backend.toHost(deltas);
        Tensor hostObj = backend.toHost(objectness);
        int n = objectness.size(0);
        int a = objectness.size(1);
        List<Proposals> out = new ArrayList<>(n);
        for (int img = 0; img < n; img++) {
            out.add(filterImage(backend, hostAnchors.floats(), hostDeltas.floats(), hostObj.floats(), img * a,
                    anchorsPerLevel, imageSizes[img], s));
        }
        return out;
    }

    private static Proposals filterImage(Backend backend, float[] anchors, float[] deltas, float[] logits, int base,
            int[] anchorsPerLevel, int[] size, Settings s) {
        // top-k of each level on the raw logits
        int total = 0;
        for (int l : anchorsPerLevel) {
            total += Math.min(l, s.preNmsTopN());
        }
        int[] idx = new int[total];
        long[] level = new long[total];
        int m = 0;
        int off = 0;
        for (int l = 0; l < anchorsPerLevel.length; l++) {
            int count = anchorsPerLevel[l];
            int[] top = TopK.indicesDescending(logits, base + off, count, Math.min(count, s.preNmsTopN()));
            for (int t : top) {
                idx[m] = off + t;
                level[m++] = l;
            }
            off += count;
        }
        if (m == 0) {
            return new Proposals(Tensor.zeros(DType.F32, 0, 4), Tensor.zeros(DType.F32, 0));
        }
        float[] sel = new float[4 * m];
        float[] selAnchors = new float[4 * m];
        float[] prob = new float[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(deltas, 4 * (base + idx[i]), sel, 4 * i, 4);
            System.arraycopy(anchors, 4 * idx[i], selAnchors, 4 * i, 4);
            prob[i] = sigmoid(logits[base + idx[i]]);
        }
        float[] clipped;
        long[] large;
        // device intermediates are closed here (on the CPU backend close does nothing)
        try (Tensor dSel = backend.toDevice(Tensor.ofFloats(sel, m, 4));
                Tensor dAnchors = backend.toDevice(Tensor.ofFloats(selAnchors, m, 4));
                Tensor decoded = backend.boxes().decodeBoxes(dSel, dAnchors, UNIT_WEIGHTS, BBOX_XFORM_CLIP);
                Tensor boxes = backend.boxes().clipBoxesToImage(decoded, size[0], size[1]);
                Tensor keepSmall = backend.boxes().removeSmallBoxes(boxes, s.minSize())) {
            clipped = backend.toHost(boxes).floats();
            large = backend.toHost(keepSmall).longs();
        }
        // score threshold on the remaining boxes
        int k = 0;
        int[] keep = new int[large.length];
        for (long i : large) {
            if (prob[(int) i] >= s.scoreThresh()) {
                keep[k++] = (int) i;
            }
        }
        float[] kb = new float[4 * k];
        float[] ks = new float[k];
        long[] kl = new long[k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(clipped, 4 * keep[i], kb, 4 * i, 4);
            ks[i] = prob[keep[i]];
            kl[i] = level[keep[i]];
        }
        long[] nms = new long[0];
        if (k > 0) {
            try (Tensor db = backend.toDevice(Tensor.ofFloats(kb, k, 4));
                    Tensor ds = backend.toDevice(Tensor.ofFloats(ks, k));
                    Tensor dl = backend.toDevice(Tensor.ofLongs(kl, k));
                    Tensor kept = backend.boxes().batchedNms(db, ds, dl, s.nmsThresh())) {
                nms = backend.toHost(kept).longs();
            }
        }
        int r = Math.min(nms.length, s.postNmsTopN());
        float[] rb = new float[4 * r];
        float[] rs = new float[r];
        for (int i = 0; i < r; i++) {
            System.arraycopy(kb, 4 * (int) nms[i], rb, 4 * i, 4);
            rs[i] = ks[(int) nms[i]];
        }
        return new Proposals(Tensor.ofFloats(rb, r, 4), Tensor.ofFloats(rs, r));
    }

    /** torch.sigmoid in float32. */
    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
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
