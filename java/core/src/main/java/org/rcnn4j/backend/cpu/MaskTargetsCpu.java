package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.MaskTargets;
import org.rcnn4j.backend.MaskTargetsArgs;
import org.rcnn4j.backend.Roi;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Mask targets on the host: roi_align's inputs (float masks [G,1,H,W], RoIs [K,5] of matched index and proposal)
 * built here, matched indices checked, then the CPU roi_align.
 */
final class MaskTargetsCpu implements MaskTargets {
    private final Roi roi;

    MaskTargetsCpu(Roi roi) {
        this.roi = roi;
    }

    @Override
    public Tensor project(Tensor gtMasks, Tensor proposals, Tensor matchedIdxs, int m) {
        int k = MaskTargetsArgs.check(gtMasks, proposals, matchedIdxs, m);
        requireHost("gt_masks", gtMasks);
        requireHost("proposals", proposals);
        requireHost("matched_idxs", matchedIdxs);
        Tensor gt = hostMasksAsFloat(gtMasks);
        try (Tensor rois = hostRois(proposals, matchedIdxs, gtMasks.size(0))) {
            return roi.roiAlign(gt, rois, m, m, 1.0f, -1, false).reshape(k, m, m);
        } finally {
            gt.close();
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
