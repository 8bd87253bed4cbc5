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
 * roi_heads.fastrcnn_loss: cross entropy (mean) over all sampled RoIs, and smooth L1 (beta 1/9, sum) of the
 * positives' deltas for their own class against their targets, divided by the number of sampled RoIs.
 */
public final class FastRcnnLoss {
    private FastRcnnLoss() {
    }

    /** loss_classifier and loss_box_reg, 0-dim Vars. */
    public record Result(Var classifier, Var boxReg) {
    }

    /**
     * @param classLogits       [N,C] for the sampled RoIs of all images, image after image
     * @param boxRegression     [N,4C], class-major (4 deltas per class)
     * @param labels            per image I64 [S_i] ({@link RoiTargets#labels})
     * @param regressionTargets per image [S_i,4]
     */
    public static Result compute(Var classLogits, Var boxRegression, List<Tensor> labels,
            List<Tensor> regressionTargets) {
        Host.sameSize("labels", labels, "regression_targets", regressionTargets);
        Backend b = classLogits.backend();
        if (classLogits.value().dim() != 2) {
            throw new IllegalArgumentException("class_logits: expected [N,C], got " + classLogits.value());
        }
        int n = classLogits.shape()[0];
        int c = classLogits.shape()[1];
        if (boxRegression.value().dim() != 2 || boxRegression.shape()[0] != n || boxRegression.shape()[1] != 4 * c) {
            throw new IllegalArgumentException("box_regression: expected [" + n + "," + 4 * c + "], got "
                    + boxRegression.value());
        }
        long[] lab = new long[n];
        int k = 0;
        // the labels' host values (known without a read when the targets were built on the host); the regression
        // targets stay where they were encoded
        List<Tensor> host = Host.hostAll(b, labels);
        for (int i = 0; i < labels.size(); i++) {
            long[] l = Host.longs(b, host.get(i));
            if (k + l.length > n || regressionTargets.get(i).numel() != 4 * l.length) {
                throw new IllegalArgumentException("labels: the images' labels and regression targets must cover the "
                        + n + " rows of class_logits");
            }
            System.arraycopy(l, 0, lab, k, l.length);
            k += l.length;
        }
        if (k != n) {
            throw new IllegalArgumentException("labels: " + k + " labels for " + n + " rows of class_logits");
        }
        Var classifier = LossFunctions.crossEntropy(classLogits, Var.of(b, Host.longsOn(b, lab, n)));
        List<Long> rows = new ArrayList<>();
        List<Integer> pos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (lab[i] > 0) {
                rows.add((long) i * c + lab[i]);
                pos.add(i);
            }
        }
        long[] idx = rows.stream().mapToLong(Long::longValue).toArray();
        long[] at = pos.stream().mapToLong(Integer::longValue).toArray();
        List<Tensor> parts = new ArrayList<>();
        for (Tensor r : regressionTargets) {
            parts.add(r.reshape(r.numel() / 4, 4));
        }
        Tensor target;
        if (parts.isEmpty()) {
            target = Host.asDType(b, new float[0], boxRegression.dtype(), 0, 4);
        } else {
            try (Tensor all = b.select().catRows(parts)) {
                target = Host.rowsOn(b, all, at, boxRegression.dtype());
            }
        }
        Var deltas = TensorMath.indexSelect(TensorMath.reshape(boxRegression, n * c, 4), RpnLoss.index(b, idx));
        Var t = Var.of(b, target);
        Var box = TensorMath.mul(LossFunctions.smoothL1(deltas, t, BoxCoding.SMOOTH_L1_BETA, Reduction.SUM), 1.0 / n);
        return new Result(classifier, box);
    }
}
