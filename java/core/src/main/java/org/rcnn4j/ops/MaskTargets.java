package org.rcnn4j.ops;

import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.OpChecks;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.backend.cuda.MaskTargetsCuda;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * Mask R-CNN's mask targets, roi_heads.project_masks_on_boxes: each proposal's matched ground-truth mask cropped
 * to the proposal and resized to M x M, i.e. roi_align(gt_masks[:, None].float(), cat(matched_idxs, proposals),
 * (M, M), spatial_scale 1.0, sampling_ratio -1, aligned False)[:, 0]. Continuous values (not thresholded).
 */
public final class MaskTargets {
    private MaskTargets() {
    }

    /**
     * @param gtMasks     [G,H,W] U8 or F32 ground-truth masks of one image
     * @param proposals   [K,4] F32 boxes (x1,y1,x2,y2) in image coordinates
     * @param matchedIdxs [K] I64 or I32, the ground-truth index of each proposal, in [0,G): checked on the CPU;
     *                    on CUDA not checked, to keep the host out of the loop, and an index outside [0,G) gives
     *                    an all-zero target (roi_align's CUDA kernel pools such a RoI to 0)
     * @param m           the side of the targets (28 in Mask R-CNN)
     * @return F32 [K,M,M] on {@code backend}, owned by the caller
     */
    public static Tensor project(Backend backend, Tensor gtMasks, Tensor proposals, Tensor matchedIdxs, int m) {
        OpChecks.notNull("backend", backend);
        OpChecks.dims("gt_masks", gtMasks, 3, "[G,H,W]");
        OpChecks.dtype("gt_masks", gtMasks, DType.U8, DType.F32);
        OpChecks.rows("proposals", proposals, 4);
        OpChecks.dtype("proposals", proposals, DType.F32);
        int k = proposals.size(0);
        OpChecks.vector("matched_idxs", matchedIdxs, k);
        OpChecks.index("matched_idxs", matchedIdxs);
        OpChecks.positive("M", m);
        Shapes.numel(k, m, m);

        Tensor gt = null;
        Tensor rois = null;
        try {
            if (backend instanceof CudaBackend cuda) {
                gt = MaskTargetsCuda.masksAsFloat(cuda, gtMasks);
                rois = MaskTargetsCuda.rois(cuda, proposals, matchedIdxs);
            } else {
                requireHost("gt_masks", gtMasks);
                requireHost("proposals", proposals);
                requireHost("matched_idxs", matchedIdxs);
                gt = backend.toDevice(hostMasksAsFloat(gtMasks));
                rois = backend.toDevice(hostRois(proposals, matchedIdxs, gtMasks.size(0)));
            }
            Tensor aligned = backend.roi().roiAlign(gt, rois, m, m, 1.0f, -1, false);
            // [K,1,M,M] -> [K,M,M], handing the storage over rather than copying it
            return aligned.isDevice() ? Tensor.onDevice(DType.F32, aligned.deviceBuffer(), k, m, m)
                    : aligned.reshape(k, m, m);
        } finally {
            if (gt != null) {
                gt.close();
            }
            if (rois != null) {
                rois.close();
            }
        }
    }

    private static Tensor hostMasksAsFloat(Tensor gtMasks) {
        int g = gtMasks.size(0);
        int h = gtMasks.size(1);
        int w = gtMasks.size(2);
        if (gtMasks.dtype() == DType.F32) {
            return gtMasks.reshape(g, 1, h, w);
        }
        byte[] src = gtMasks.bytes();
        float[] dst = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = src[i] & 0xff;
        }
        return Tensor.ofFloats(dst, g, 1, h, w);
    }

    private static Tensor hostRois(Tensor proposals, Tensor matchedIdxs, int g) {
        int k = proposals.size(0);
        float[] p = proposals.floats();
        float[] r = new float[5 * k];
        for (int i = 0; i < k; i++) {
            long idx = matchedIdxs.getLong(i);
            if (idx < 0 || idx >= g) {
                throw new IllegalArgumentException("matched_idxs: element " + i + " is " + idx
                        + ", expected a ground-truth index in [0, " + g + ")");
            }
            r[5 * i] = idx;
            System.arraycopy(p, 4 * i, r, 5 * i + 1, 4);
        }
        return Tensor.ofFloats(r, k, 5);
    }

    private static void requireHost(String name, Tensor t) {
        if (!t.isHost()) {
            throw new IllegalArgumentException(name + ": expected a host tensor for the " + "CPU backend, got " + t);
        }
    }
}
