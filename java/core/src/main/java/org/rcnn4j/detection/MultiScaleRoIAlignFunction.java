package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.MultiScaleRoIAlign.forward as a function of Vars: each proposal is pooled from the FPN level
 * {@link LevelMapper} picks, with that level's scale inferred as torchvision does, and the rows come back in
 * proposal order (image 0's boxes first). Differentiable in the features through {@link Functional#roiAlign}
 * (aligned=False). Call it inside a {@link org.rcnn4j.autograd.Scope}: the RoI tensors it uploads are Vars of the
 * graph.
 */
public final class MultiScaleRoIAlignFunction {
    private MultiScaleRoIAlignFunction() {
    }

    /**
     * @param features      the selected feature maps [N,C,H_l,W_l], finest first, in the order of the feature
     *                      dict (torchvision keeps the dict's order, filtered by featmap_names)
     * @param boxes         per image proposals [K_i,4] F32 on the features' backend, in image coordinates
     * @param imageSizes    per image (height, width) of the resized, unpadded image
     * @param outputSize    the pooled side (7 box branch, 14 mask branch)
     * @param samplingRatio roi_align's sampling_ratio (2 in the detection models)
     * @return [sum K_i, C, outputSize, outputSize]
     */
    public static Var forward(List<Var> features, List<Tensor> boxes, List<int[]> imageSizes, int outputSize,
            int samplingRatio) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("x: no feature map selected by featmap_names");
        }
        if (imageSizes.isEmpty()) {
            throw new IllegalArgumentException("image_shapes: expected one (height, width) per image");
        }
        Backend b = features.get(0).backend();
        float[] scales = scales(features, imageSizes);
        int total = 0;
        for (Tensor t : boxes) {
            total += Host.rowsOf(t, "boxes");
        }
        int[] fs = features.get(0).shape();
        if (total == 0) {
            return Var.of(b, b.toDevice(Tensor.zeros(features.get(0).dtype(), 0, fs[1], outputSize, outputSize)));
        }
        if (features.size() == 1) {
            // the RoIs (image index, box) are made on the backend: nothing is read back
            Var r = Var.of(b, b.select().batchRois(boxes));
            Var pooled = Functional.roiAlign(features.get(0), r, outputSize, outputSize, scales[0], samplingRatio,
                    false);
            r.drop();
            return pooled;
        }
        // every level pools every RoI and each row is taken from the level LevelMapper picks for it (a zero row for
        // a NaN area): nothing read back, at the price of pooling each RoI once per level
        Var rois = Var.of(b, b.select().batchRois(boxes));
        int kMin = (int) -log2f(scales[0]);
        int kMax = (int) -log2f(scales[scales.length - 1]);
        Var levels = Var.of(b, b.select().fpnLevels(rois.value(), kMin, kMax));
        // When gradients flow, a level that pools no RoI must stay out of the graph, as before this ran on the
        // backend: its map then gets no gradient at all (not a zero one), so SGD leaves the layers that feed only
        // it alone (no weight decay, no momentum). That takes the per-level counts: one synchronization. Inference
        // pools every level.
        boolean grads = false;
        for (Var f : features) {
            grads |= Autograd.isGradEnabled() && f.requiresGrad();
        }
        int[] perLevel = null;
        if (grads) {
            try (Tensor counts = b.select().bincount(levels.value(), features.size())) {
                perLevel = b.toHost(counts).ints().clone();
            }
        }
        List<Var> parts = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (int l = 0; l < features.size(); l++) {
            if (perLevel != null && perLevel[l] == 0) {
                parts.add(null);
                values.add(null);
                continue;
            }
            Var p = Functional.roiAlign(features.get(l), rois, outputSize, outputSize, scales[l], samplingRatio, false);
            parts.add(p);
            values.add(p.value());
        }
        List<Var> inputs = new ArrayList<>();
        for (Var p : parts) {
            if (p != null) {
                inputs.add(p);
            }
        }
        Tensor merged = b.select().mergeRows(values, levels.value());
        if (!Autograd.isGradEnabled()) {
            // inference: the per-level poolings and the RoIs go now (Var.drop); levels goes with the record below
            parts.forEach(Var::drop);
            rois.drop();
        }
        return Autograd.record("multiscale_roi_merge", b, merged, g -> {
            Tensor[] out = new Tensor[inputs.size()];
            for (int l = 0, at = 0; l < parts.size(); l++) {
                Var p = parts.get(l);
                if (p == null) {
                    continue;
                }
                if (p.requiresGrad()) {
                    List<Tensor> only = new ArrayList<>();
                    for (int m = 0; m < parts.size(); m++) {
                        only.add(m == l ? g : null);
                    }
                    out[at] = b.select().mergeRows(only, levels.value());
                }
                at++;
            }
            return out;
        }, inputs.toArray(new Var[0]), levels);
    }

    /**
     * Per level 2^round(log2(feature height / max image height)), the logarithm and rounding in float32 (round
     * half to even), as torchvision's _infer_scale; the largest image height stands for the padded batch.
     */
    static float[] scales(List<Var> features, List<int[]> imageSizes) {
        int maxH = 0;
        for (int[] s : imageSizes) {
            maxH = Math.max(maxH, s[0]);
        }
        float[] out = new float[features.size()];
        for (int l = 0; l < out.length; l++) {
            int[] fs = features.get(l).shape();
            if (fs.length != 4) {
                throw new IllegalArgumentException("x: feature maps must be [N,C,H,W], got " + features.get(l));
            }
            float approx = (float) ((double) fs[2] / (double) maxH);
            out[l] = (float) Math.pow(2.0, Math.rint(log2f(approx)));
        }
        return out;
    }

    private static float log2f(float x) {
        return (float) (Math.log(x) / Math.log(2.0));
    }
}
