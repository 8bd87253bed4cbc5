package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * RegionProposalNetwork.assign_targets_to_anchors plus the box_coder.encode of its regression targets, per image:
 * labels F32 [A] (1 foreground, 0 background, -1 between thresholds, ignored), the matched ground-truth boxes
 * [A,4] and the regression targets [A,4] (weights 1,1,1,1). An image without ground truth gets all anchors
 * background and zero matched boxes, as torchvision (their targets hold -inf from log(0); only positives'
 * targets are ever used).
 */
public record RpnTargets(List<Tensor> labels, List<Tensor> matchedGtBoxes, List<Tensor> regressionTargets)
        implements AutoCloseable {

    /** Closes every tensor (device memory on the CUDA backend). */
    @Override
    public void close() {
        Host.closeAll(labels, matchedGtBoxes, regressionTargets);
    }

    /** With torchvision's RPN matcher (0.7 / 0.3, low-quality matches). */
    public static RpnTargets assign(Backend backend, List<Tensor> anchors, List<Tensor> gtBoxes) {
        return assign(backend, anchors, gtBoxes, Matcher.rpn());
    }

    public static RpnTargets assign(Backend backend, List<Tensor> anchors, List<Tensor> gtBoxes, Matcher matcher) {
        Host.sameSize("anchors", anchors, "targets", gtBoxes);
        List<Tensor> labels = new ArrayList<>();
        List<Tensor> matched = new ArrayList<>();
        List<Tensor> targets = new ArrayList<>();
        // every image's IoU matrix and ground truth read back together (one synchronization on a device)
        List<Tensor> ious = new ArrayList<>();
        try {
            for (int i = 0; i < anchors.size(); i++) {
                Tensor a = anchors.get(i);
                Tensor gt = gtBoxes.get(i);
                Host.rowsOf(a, "anchors");
                ious.add(Host.rowsOf(gt, "boxes") > 0 ? backend.boxes().boxIou(gt, a) : null);
            }
            List<Tensor> read = new ArrayList<>(gtBoxes);
            ious.stream().filter(t -> t != null).forEach(read::add);
            List<Tensor> host = Host.hostAll(backend, read);
            for (int i = 0, k = gtBoxes.size(); i < anchors.size(); i++) {
                Tensor a = anchors.get(i);
                int n = Host.rowsOf(a, "anchors");
                int g = Host.rowsOf(gtBoxes.get(i), "boxes");
                float[] lab = new float[n];
                float[] box = new float[4 * n];
                if (g > 0) {
                    long[] m = matcher.match(Host.floats(backend, host.get(k++)), g, n);
                    float[] gb = Host.floats(backend, host.get(i));
                    for (int j = 0; j < n; j++) {
                        long idx = Math.max(0, m[j]);
                        System.arraycopy(gb, (int) idx * 4, box, 4 * j, 4);
                        lab[j] = m[j] >= 0 ? 1f : m[j] == Matcher.BETWEEN_THRESHOLDS ? -1f : 0f;
                    }
                }
                Tensor mb = Host.floatsOn(backend, box, n, 4);
                labels.add(Host.floatsOn(backend, lab, n));
                matched.add(mb);
                targets.add(backend.boxes().encodeBoxes(mb, a, BoxCoding.RPN_WEIGHTS));
            }
        } finally {
            ious.stream().filter(t -> t != null).forEach(Tensor::close);
        }
        return new RpnTargets(labels, matched, targets);
    }
}
