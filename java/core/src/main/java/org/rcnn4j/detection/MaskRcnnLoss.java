package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.autograd.Losses;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.ops.MaskTargets;
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
        float[] targets = new float[p * m * m];
        int k = 0;
        for (int i = 0; i < proposals.size(); i++) {
            int n = Host.rowsOf(proposals.get(i), "proposals");
            if (n == 0) {
                continue;
            }
            long[] idx = Host.longs(b, matchedIdxs.get(i));
            long[] gl = Host.longs(b, gtLabels.get(i));
            if (idx.length != n || k + n > p) {
                throw new IllegalArgumentException("mask_matched_idxs: image " + i + " needs one index per proposal "
                        + "and all images together one per row of mask_logits (" + p + ")");
            }
            for (int j = 0; j < n; j++) {
                rows[k + j] = (long) (k + j) * c + gl[(int) idx[j]];
            }
            try (Tensor t = MaskTargets.project(b, gtMasks.get(i), proposals.get(i), matchedIdxs.get(i), m)) {
                System.arraycopy(Host.floats(b, t), 0, targets, k * m * m, n * m * m);
            }
            k += n;
        }
        if (k != p) {
            throw new IllegalArgumentException("proposals: " + k + " positive proposals for " + p + " rows of "
                    + "mask_logits");
        }
        if (p == 0) {
            return Ops.mul(Ops.sum(maskLogits), 0.0);
        }
        Var picked = Ops.indexSelect(Ops.reshape(maskLogits, p * c, m * m), RpnLoss.index(b, rows));
        Var target = Var.of(b, Host.asDType(b, targets, maskLogits.dtype(), p, m * m));
        return Losses.binaryCrossEntropyWithLogits(picked, target);
    }
}
