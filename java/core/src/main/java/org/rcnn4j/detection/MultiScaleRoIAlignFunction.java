package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Nn;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.MultiScaleRoIAlign.forward as a function of Vars: each proposal is pooled from the FPN level
 * {@link LevelMapper} picks, with that level's scale inferred as torchvision does, and the rows come back in
 * proposal order (image 0's boxes first). Differentiable in the features through {@link Nn#roiAlign}
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
        List<float[]> hostBoxes = new ArrayList<>();
        int total = 0;
        for (Tensor t : boxes) {
            total += Host.rowsOf(t, "boxes");
            hostBoxes.add(Host.floats(b, t));
        }
        int[] fs = features.get(0).shape();
        float[] rois = new float[total * 5];
        int k = 0;
        for (int i = 0; i < hostBoxes.size(); i++) {
            float[] bx = hostBoxes.get(i);
            for (int r = 0; r < bx.length / 4; r++, k++) {
                rois[5 * k] = i;
                System.arraycopy(bx, 4 * r, rois, 5 * k + 1, 4);
            }
        }
        if (total == 0) {
            return Var.of(b, b.toDevice(Tensor.zeros(features.get(0).dtype(), 0, fs[1], outputSize, outputSize)));
        }
        if (features.size() == 1) {
            Var r = Var.of(b, Host.floatsOn(b, rois, total, 5));
            return Nn.roiAlign(features.get(0), r, outputSize, outputSize, scales[0], samplingRatio, false);
        }
        int kMin = (int) -log2f(scales[0]);
        int kMax = (int) -log2f(scales[scales.length - 1]);
        int[] levels = new LevelMapper(kMin, kMax).levels(stripBatch(rois, total));
        return poolByLevel(features, scales, rois, levels, outputSize, samplingRatio);
    }

    private static Var poolByLevel(List<Var> features, float[] scales, float[] rois, int[] levels, int outputSize,
            int samplingRatio) {
        Backend b = features.get(0).backend();
        int total = levels.length;
        List<Var> parts = new ArrayList<>();
        List<long[]> rowsOfPart = new ArrayList<>();
        for (int l = -1; l < features.size(); l++) {
            int count = 0;
            for (int lv : levels) {
                count += lv == l ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            float[] sub = new float[count * 5];
            long[] rows = new long[count];
            int c = 0;
            for (int i = 0; i < total; i++) {
                if (levels[i] == l) {
                    System.arraycopy(rois, 5 * i, sub, 5 * c, 5);
                    rows[c++] = i;
                }
            }
            rowsOfPart.add(rows);
            if (l == LevelMapper.NO_LEVEL) {
                // torchvision leaves these rows at zero: they match no level
                int[] fs = features.get(0).shape();
                parts.add(Var.of(b, b.toDevice(Tensor.zeros(features.get(0).dtype(), count, fs[1], outputSize,
                        outputSize))));
            } else {
                Var r = Var.of(b, Host.floatsOn(b, sub, count, 5));
                parts.add(Nn.roiAlign(features.get(l), r, outputSize, outputSize, scales[l], samplingRatio, false));
            }
        }
        if (parts.size() == 1) {
            return parts.get(0); // one level: its rows are already in proposal order
        }
        return RowMerge.merge(parts, rowsOfPart.toArray(new long[0][]), total);
    }

    private static float[] stripBatch(float[] rois, int k) {
        float[] out = new float[4 * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(rois, 5 * i + 1, out, 4 * i, 4);
        }
        return out;
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
