package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.MaskTargets;
import org.rcnn4j.backend.MaskTargetsArgs;
import org.rcnn4j.backend.Roi;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.MaskTargetsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Mask targets on the device: roi_align's inputs, the [K,5] RoIs and the float ground-truth masks, built by
 * cuda/mask_targets.cu without a host round trip, then the device roi_align. Matched indices are checked on the
 * device (see {@link MaskTargets#project}).
 */
final class MaskTargetsCuda implements MaskTargets {
    private final CudaDevice device;
    private final Roi roi;
    private final DeferredChecks checks;

    MaskTargetsCuda(CudaDevice device, Roi roi, DeferredChecks checks) {
        this.device = device;
        this.roi = roi;
        this.checks = checks;
    }

    @Override
    public Tensor project(Tensor gtMasks, Tensor proposals, Tensor matchedIdxs, int m) {
        int k = MaskTargetsArgs.check(gtMasks, proposals, matchedIdxs, m);
        Tensor gt = null;
        Tensor rois = null;
        try {
            gt = masksAsFloat(gtMasks);
            rois = rois(proposals, matchedIdxs, gtMasks.size(0));
            Tensor aligned = roi.roiAlign(gt, rois, m, m, 1.0f, -1, false);
            // [K,1,M,M] -> [K,M,M], handing the storage over rather than copying it
            return Tensor.onDevice(DType.F32, aligned.deviceBuffer(), k, m, m);
        } finally {
            if (gt != null) {
                gt.close();
            }
            if (rois != null) {
                rois.close();
            }
        }
    }

    /**
     * gt masks [G,H,W] (U8 or F32) as F32 [G,1,H,W]: a fresh tensor for U8, a non-owning view for F32 (closing it
     * leaves gtMasks alone).
     */
    private Tensor masksAsFloat(Tensor gtMasks) {
        DeviceChecks.requireDevice("gt_masks", gtMasks);
        int g = gtMasks.size(0);
        int h = gtMasks.size(1);
        int w = gtMasks.size(2);
        if (gtMasks.dtype() == DType.F32) {
            return gtMasks.reshape(g, 1, h, w);
        }
        return u8ToF32(device, gtMasks, g, 1, h, w);
    }

    /** A fresh F32 device tensor of {@code shape} (x's numel) holding the U8 device tensor x's values. */
    static Tensor u8ToF32(CudaDevice device, Tensor x, int... shape) {
        long n = x.numel();
        return DeviceOutputs.filled(device, DType.F32, shape, out -> MaskTargetsKernels.u8ToF32(device,
                x.deviceBuffer().pointer(), out.deviceBuffer().pointer(), n));
    }

    /** RoIs [K,5] F32 = (matched index, proposal box); matchedIdxs I64 or I32, proposals F32 [K,4]. */
    private Tensor rois(Tensor proposals, Tensor matchedIdxs, int g) {
        DeviceChecks.requireDevice("proposals", proposals);
        DeviceChecks.requireDevice("matched_idxs", matchedIdxs);
        checks.indexRange("mask targets", "matched_idxs", matchedIdxs, g, null, "a ground-truth index");
        int k = proposals.size(0);
        return DeviceOutputs.filled(device, DType.F32, new int[] {k, 5},
                out -> MaskTargetsKernels.rois(device, matchedIdxs.deviceBuffer().pointer(),
                        matchedIdxs.dtype() == DType.I64, proposals.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), k));
    }
}
