package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.MaskTargets;
import org.rcnn4j.nn.functional.LossFunctions;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_heads.maskrcnn_loss: BCE with logits (mean) of each positive proposal's mask logits for its ground-truth
 * class against its matched mask projected onto the proposal at M x M ({@link MaskTargets#project}). No
 * positives at all gives mask_logits.sum() * 0, as torchvision (a zero that still reaches the graph).
 */
public final class MaskRcnnLoss {
    private MaskRcnnLoss() {
    }

    /**
     * @param maskLogits  [P,C,M,M] for the positive proposals of all images, image after image
     * @param proposals   per image the positive proposals [P_i,4]
     * @param gtMasks     per image [G_i,H,W] U8 or F32
     * @param gtLabels    per image I64 [G_i]
     * @param matchedIdxs per image I64 [P_i], each positive's ground-truth index
     */
    public static Var compute(Var maskLogits, List<Tensor> proposals, List<Tensor> gtMasks, List<Tensor> gtLabels,
            List<Tensor> matchedIdxs) {
        Host.sameSize("proposals", proposals, "gt_masks", gtMasks);
        Host.sameSize("proposals", proposals, "gt_labels", gtLabels);
        Host.sameSize("proposals", proposals, "mask_matched_idxs", matchedIdxs);
        Backend b = maskLogits.backend();
        int[] s = maskLogits.shape();
        if (s.length != 4 || s[2] != s[3]) {
            throw new IllegalArgumentException("mask_logits: expected [P,C,M,M], got " + maskLogits.value());
        }
        int p = s[0];
        int c = s[1];
        int m = s[3];
        long[] rows = new long[p];
        Tensor targets = null;
        int k = 0;
        int images = proposals.size();
        // each image's projected targets stay on the backend; the matched indices and labels are read (together,
        // and not at all when their host values are known)
        List<Tensor> projected = new ArrayList<>();
        try {
            for (int i = 0; i < images; i++) {
                int n = Host.rowsOf(proposals.get(i), "proposals");
                if (n == 0) {
                    projected.add(null);
                    continue;
                }
                if (matchedIdxs.get(i).numel() != n || k + n > p) {
                    throw new IllegalArgumentException("mask_matched_idxs: image " + i + " needs one index per "
                            + "proposal and all images together one per row of mask_logits (" + p + ")");
                }
                projected.add(b.maskTargets().project(gtMasks.get(i), proposals.get(i), matchedIdxs.get(i), m));
                k += n;
            }
            List<Tensor> read = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                if (projected.get(i) != null) {
                    read.add(matchedIdxs.get(i));
                    read.add(gtLabels.get(i));
                }
            }
            List<Tensor> host = Host.hostAll(b, read);
            k = 0;
            for (int i = 0, h = 0; i < images; i++) {
                if (projected.get(i) == null) {
                    continue;
                }
                int n = Host.rowsOf(proposals.get(i), "proposals");
                long[] idx = Host.longs(b, host.get(h++));
                long[] gl = Host.longs(b, host.get(h++));
                for (int j = 0; j < n; j++) {
                    rows[k + j] = (long) (k + j) * c + gl[(int) idx[j]];
                }
                k += n;
            }
            if (k == p && p > 0) {
                List<Tensor> parts = new ArrayList<>();
                for (Tensor t : projected) {
                    if (t != null) {
                        parts.add(t.reshape(t.size(0), m * m));
                    }
                }
                targets = Host.as(b, b.select().catRows(parts), maskLogits.dtype());
            }
        } finally {
            projected.stream().filter(t -> t != null).forEach(Tensor::close);
        }
        if (k != p) {
            throw new IllegalArgumentException("proposals: " + k + " positive proposals for " + p + " rows of "
                    + "mask_logits");
        }
        if (p == 0) {
            return TensorMath.mul(TensorMath.sum(maskLogits), 0.0);
        }
        Var picked = TensorMath.indexSelect(TensorMath.reshape(maskLogits, p * c, m * m), RpnLoss.index(b, rows));
        Var target = Var.of(b, targets);
        return LossFunctions.binaryCrossEntropyWithLogits(picked, target);
    }
}
