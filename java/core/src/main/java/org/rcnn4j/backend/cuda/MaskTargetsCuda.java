package org.rcnn4j.backend.cuda;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.kernels.MaskTargetsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Device-side inputs of roi_align for Mask R-CNN's mask targets (used by org.rcnn4j.ops.MaskTargets): the [K,5]
 * RoIs and the float ground-truth masks, built by cuda/mask_targets.cu without a host round trip. Arguments are
 * checked by the caller (shapes and dtypes); these require device tensors.
 */
public final class MaskTargetsCuda {
    private MaskTargetsCuda() {
    }

    /**
     * gt masks [G,H,W] (U8 or F32) as F32 [G,1,H,W]: a fresh tensor for U8, a non-owning view for F32 (closing it
     * leaves gtMasks alone).
     */
    public static Tensor masksAsFloat(CudaBackend backend, Tensor gtMasks) {
        DeviceChecks.requireDevice("gt_masks", gtMasks);
        int g = gtMasks.size(0);
        int h = gtMasks.size(1);
        int w = gtMasks.size(2);
        if (gtMasks.dtype() == DType.F32) {
            return gtMasks.reshape(g, 1, h, w);
        }
        CudaDevice device = backend.device();
        long n = (long) g * h * w;
        return DeviceOutputs.filled(device, DType.F32, new int[] {g, 1, h, w},
                out -> MaskTargetsKernels.u8ToF32(device, gtMasks.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), n));
    }

    /** RoIs [K,5] F32 = (matched index, proposal box); matchedIdxs I64 or I32, proposals F32 [K,4]. */
    public static Tensor rois(CudaBackend backend, Tensor proposals, Tensor matchedIdxs) {
        DeviceChecks.requireDevice("proposals", proposals);
        DeviceChecks.requireDevice("matched_idxs", matchedIdxs);
        CudaDevice device = backend.device();
        int k = proposals.size(0);
        return DeviceOutputs.filled(device, DType.F32, new int[] {k, 5},
                out -> MaskTargetsKernels.rois(device, matchedIdxs.deviceBuffer().pointer(),
                        matchedIdxs.dtype() == DType.I64, proposals.deviceBuffer().pointer(),
                        out.deviceBuffer().pointer(), k));
    }

}
