package org.rcnn4j.backend;

import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** The argument checks of {@link MaskTargets#project}, shared by both backends. */
public final class MaskTargetsArgs {
    private MaskTargetsArgs() {
    }

    /** Checks shapes and dtypes (not the index values); returns K, the number of proposals. */
    public static int check(Tensor gtMasks, Tensor proposals, Tensor matchedIdxs, int m) {
        OpChecks.dims("gt_masks", gtMasks, 3, "[G,H,W]");
        OpChecks.dtype("gt_masks", gtMasks, DType.U8, DType.F32);
        OpChecks.rows("proposals", proposals, 4);
        OpChecks.dtype("proposals", proposals, DType.F32);
        int k = proposals.size(0);
        OpChecks.vector("matched_idxs", matchedIdxs, k);
        OpChecks.index("matched_idxs", matchedIdxs);
        OpChecks.positive("M", m);
        Shapes.numel(k, m, m);
        return k;
    }
}
