package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/mask_targets.cu: the inputs roi_align needs for Mask R-CNN's mask targets
 * (roi_heads.project_masks_on_boxes), built on the device. Asynchronous on the device's stream.
 */
public final class MaskTargetsKernels {
    public static final String ROIS_I64 = "rcnn4j_mask_targets_rois_i64";
    public static final String ROIS_I32 = "rcnn4j_mask_targets_rois_i32";
    public static final String U8_TO_F32 = "rcnn4j_mask_targets_u8_to_f32";

    private static final int BLOCK = 256;
    // grid-stride loops: more blocks than this only add scheduling
    private static final long MAX_THREADS = 1L << 22;

    private MaskTargetsKernels() {
    }

    /**
     * rois [numRois,5] F32 = (matched index, proposal x1, y1, x2, y2) from matched [numRois] (I64 when
     * {@code matchedIs64}, else I32) and proposals [numRois,4] F32. Indices are not range-checked here.
     */
    public static void rois(CudaDevice device, CUdeviceptr matched, boolean matchedIs64, CUdeviceptr proposals,
            CUdeviceptr rois, int numRois) {
        if (numRois < 0) {
            throw new IllegalArgumentException("numRois: expected >= 0, got " + numRois);
        }
        if (numRois == 0) {
            return;
        }
        device.kernel(matchedIs64 ? ROIS_I64 : ROIS_I32).launch(Grid.linear(numRois, BLOCK), matched, proposals,
                rois, numRois);
    }

    /** dst[i] = src[i] as float for n uint8 elements. */
    public static void u8ToF32(CudaDevice device, CUdeviceptr src, CUdeviceptr dst, long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: expected >= 0, got " + n);
        }
        if (n == 0) {
            return;
        }
        device.kernel(U8_TO_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), src, dst, n);
    }
}
