package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.functional.LossFunctions;
import org.rcnn4j.nn.functional.Reduction;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * RegionProposalNetwork.compute_loss for given samples: objectness = BCE with logits (mean) over the sampled
 * anchors; box = smooth L1 (beta 1/9, sum) over the sampled positives divided by the number sampled.
 */
public final class RpnLoss {
    private RpnLoss() {
    }

    /** loss_objectness and loss_rpn_box_reg, 0-dim Vars. */
    public record Result(Var objectness, Var boxReg) {
    }

    /**
     * @param objectness     [A] or [A,1] logits of all images' anchors, image after image
     * @param predBboxDeltas [A,4]
     * @param labels         per image F32 [A_i] ({@link RpnTargets#labels})
     * @param regressionTargets per image [A_i,4]
     * @param samples        per image sampled anchor indices (local to the image)
     */
    public static Result compute(Var objectness, Var predBboxDeltas, List<Tensor> labels,
            List<Tensor> regressionTargets, List<SampledIndices> samples) {
        Host.sameSize("labels", labels, "regression_targets", regressionTargets);
        Host.sameSize("labels", labels, "samples", samples);
        Backend b = objectness.backend();
        int a = objectness.numel();
        if (predBboxDeltas.value().dim() != 2 || predBboxDeltas.shape()[0] != a || predBboxDeltas.shape()[1] != 4) {
            throw new IllegalArgumentException("pred_bbox_deltas: expected [" + a + ",4], got "
                    + predBboxDeltas.value());
        }
        int nPos = 0;
        int nAll = 0;
        for (SampledIndices s : samples) {
            nPos += s.positive().length;
            nAll += s.size();
        }
        long[] pos = new long[nPos];
        long[] sampled = new long[nAll];
        float[] sampledLabels = new float[nAll];
        List<Tensor> posTargetParts = new ArrayList<>();
        int offset = 0;
        int p = 0;
        int neg = nPos;
        // the labels' host values (known without a read when the targets were built on the host); the positives'
        // regression targets are gathered where they were encoded
        List<Tensor> host = Host.hostAll(b, labels);
        Tensor posTargets;
        try {
            for (int i = 0; i < labels.size(); i++) {
                float[] lab = Host.floats(b, host.get(i));
                Tensor reg = regressionTargets.get(i);
                if (reg.dim() != 2 || reg.size(0) != lab.length || reg.size(1) != 4) {
                    throw new IllegalArgumentException("regression_targets: image " + i + " expected ["
                            + lab.length + ",4], got " + reg);
                }
                SampledIndices s = samples.get(i);
                for (long j : s.positive()) {
                    check(j, lab.length);
                    sampledLabels[p] = lab[(int) j];
                    sampled[p] = offset + j;
                    pos[p++] = offset + j;
                }
                for (long j : s.negative()) {
                    check(j, lab.length);
                    sampledLabels[neg] = lab[(int) j];
                    sampled[neg++] = offset + j;
                }
                posTargetParts.add(Host.rowsOn(b, reg, s.positive(), reg.dtype()));
                offset += lab.length;
            }
            if (offset != a) {
                throw new IllegalArgumentException("objectness: " + a + " anchors but the labels cover " + offset);
            }
        } catch (RuntimeException e) {
            posTargetParts.forEach(Tensor::close);
            throw e;
        }
        posTargets = Host.catRowsOn(b, posTargetParts, predBboxDeltas.dtype());
        Var logits = TensorMath.indexSelect(TensorMath.reshape(objectness, a, 1), index(b, sampled));
        Var target = Var.of(b, Host.asDType(b, sampledLabels, objectness.dtype(), nAll, 1));
        Var objectnessLoss = LossFunctions.binaryCrossEntropyWithLogits(logits, target);
        Var deltas = TensorMath.indexSelect(predBboxDeltas, index(b, pos));
        Var regTarget = Var.of(b, posTargets);
        Var box = TensorMath.mul(LossFunctions.smoothL1(deltas, regTarget, BoxCoding.SMOOTH_L1_BETA, Reduction.SUM), 1.0 / nAll);
        return new Result(objectnessLoss, box);
    }

    static Var index(Backend b, long[] idx) {
        return Var.of(b, Host.longsOn(b, idx, idx.length));
    }

    private static void check(long j, int n) {
        if (j < 0 || j >= n) {
            throw new IllegalArgumentException("samples: index " + j + " outside the image's " + n + " anchors");
        }
    }
}
