package org.rcnn4j.classic;

import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;

/** Held-out accuracy and mean IoU of a {@link ClassifyLocalize} on single-object scenes. */
public final class ClassLocEval {
    private static final int BATCH = 64;

    /**
     * Per-scene predictions and the summary.
     *
     * @param labels predicted class index per scene
     * @param boxes  predicted normalised (x, y, w, h), 4 per scene
     * @param iou    IoU of the predicted with the true box per scene
     */
    public record Result(double accuracy, double meanIou, long[] labels, float[] boxes, double[] iou) {
    }

    private ClassLocEval() {
    }

    public static Result evaluate(ClassifyLocalize model, SingleObjectScenes data) {
        int n = data.count();
        long[] labels = new long[n];
        float[] boxes = new float[n * 4];
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        try (Autograd.NoGrad ng = Autograd.noGrad()) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                try (Scope s = Scope.open()) {
                    ClassifyLocalize.Output out = model.forward(Var.fromHost(model.backend(),
                            data.batch(all, from, to).images()));
                    float[] logits = out.logits().toHost().floats();
                    float[] box = out.box().toHost().floats();
                    int k = model.labels();
                    for (int i = 0; i < to - from; i++) {
                        int best = 0;
                        for (int c = 1; c < k; c++) {
                            if (logits[i * k + c] > logits[i * k + best]) {
                                best = c;
                            }
                        }
                        labels[from + i] = best;
                    }
                    System.arraycopy(box, 0, boxes, from * 4, (to - from) * 4);
                }
            }
        }
        double[] iou = new double[n];
        int correct = 0;
        double iouSum = 0;
        for (int i = 0; i < n; i++) {
            correct += labels[i] == data.label(i) ? 1 : 0;
            float[] p = {boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]};
            iou[i] = iou(p, data.box(i));
            iouSum += iou[i];
        }
        return new Result((double) correct / n, iouSum / n, labels, boxes, iou);
    }

    /** Mean IoU of one fixed box against every scene's true box: the baseline a box regressor must beat. */
    public static double fixedBoxIou(float[] box, SingleObjectScenes data) {
        double s = 0;
        for (int i = 0; i < data.count(); i++) {
            s += iou(box, data.box(i));
        }
        return s / data.count();
    }

    /** IoU of two (x, y, w, h) boxes; a negative width or height counts as an empty box. */
    public static double iou(float[] a, float[] b) {
        double aw = Math.max(0, a[2]);
        double ah = Math.max(0, a[3]);
        double bw = Math.max(0, b[2]);
        double bh = Math.max(0, b[3]);
        double iw = Math.min(a[0] + aw, b[0] + bw) - Math.max(a[0], b[0]);
        double ih = Math.min(a[1] + ah, b[1] + bh) - Math.max(a[1], b[1]);
        double inter = Math.max(0, iw) * Math.max(0, ih);
        double union = aw * ah + bw * bh - inter;
        return union > 0 ? inter / union : 0;
    }
}
