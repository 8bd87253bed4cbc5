package org.rcnn4j.backend;

import org.rcnn4j.tensor.Tensor;

/**
 * Mask R-CNN's mask targets, roi_heads.project_masks_on_boxes: each proposal's matched ground-truth mask cropped
 * to the proposal and resized to M x M, i.e. roi_align(gt_masks[:, None].float(), cat(matched_idxs, proposals),
 * (M, M), spatial_scale 1.0, sampling_ratio -1, aligned False)[:, 0]. Continuous values (not thresholded).
 * Reached as {@code backend.maskTargets()}; cuda/mask_targets.cu builds roi_align's inputs on the device.
 */
public interface MaskTargets {
    /**
     * @param gtMasks     [G,H,W] U8 or F32 ground-truth masks of one image
     * @param proposals   [K,4] F32 boxes (x1,y1,x2,y2) in image coordinates
     * @param matchedIdxs [K] I64 or I32, the ground-truth index of each proposal, in [0,G): an index outside it
     *                    throws IllegalArgumentException naming matched_idxs, on the CPU at once, on CUDA at the
     *                    backend's next synchronization (checked on the device, to keep the host out of the loop)
     * @param m           the side of the targets (28 in Mask R-CNN)
     * @return F32 [K,M,M] on this backend, owned by the caller
     */
    Tensor project(Tensor gtMasks, Tensor proposals, Tensor matchedIdxs, int m);
}
