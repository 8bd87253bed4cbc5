package org.rcnn4j.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.tensor.Tensor;

class ClassifyLocalizeLossTest {
    private static final int B = 5;
    private static final int K = 10;
    private final Backend cpu = Backends.create("cpu");
    private final SplittableRandom rng = new SplittableRandom(42);
    private final float[] logits = randoms(B * K, 3);
    private final float[] box = randoms(B * 4, 1);
    private final float[] target = randoms(B * 4, 1);
    private final long[] labels = {3, 0, 9, 3, 7};

    private float[] randoms(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** Softmax cross-entropy, averaged over the rows, computed here in double. */
    private double directCrossEntropy() {
        double s = 0;
        for (int i = 0; i < B; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                max = Math.max(max, logits[i * K + c]);
            }
            double z = 0;
            for (int c = 0; c < K; c++) {
                z += Math.exp(logits[i * K + c] - max);
            }
            s += Math.log(z) + max - logits[i * K + (int) labels[i]];
        }
        return s / B;
    }

    private double directMse() {
        double s = 0;
        for (int i = 0; i < box.length; i++) {
            s += (box[i] - target[i]) * (double) (box[i] - target[i]);
        }
        return s / box.length;
    }

    private double[] loss(double alpha) {
        try (Scope s = Scope.open()) {
            ClassifyLocalize.Output out = new ClassifyLocalize.Output(
                    Var.param(cpu, Tensor.ofFloats(logits.clone(), B, K)),
                    Var.param(cpu, Tensor.ofFloats(box.clone(), B, 4)));
            ClassifyLocalize.Loss l = ClassifyLocalize.loss(out, Var.of(cpu, Tensor.ofLongs(labels, B)),
                    Var.of(cpu, Tensor.ofFloats(target, B, 4)), alpha);
            l.total().backward();
            // the box gradient of (1 - alpha) * mse is (1 - alpha) * 2 (box - target) / n
            float[] g = out.box().grad().floats();
            double maxErr = 0;
            for (int i = 0; i < box.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(g[i] - (1 - alpha) * 2 * (box[i] - target[i]) / box.length));
            }
            return new double[] {l.total().item(), l.crossEntropy().item(), l.l2().item(), maxErr};
        }
    }

    @Test
    void alphaOneIsPureCrossEntropy() {
        double[] l = loss(1);
        assertEquals(directCrossEntropy(), l[0], 1e-5);
        assertEquals(directCrossEntropy(), l[1], 1e-5);
        assertEquals(0, l[3], 1e-7, "no box gradient at alpha 1");
    }

    @Test
    void alphaZeroIsPureMeanSquaredError() {
        double[] l = loss(0);
        assertEquals(directMse(), l[0], 1e-6);
        assertEquals(directMse(), l[2], 1e-6);
        assertEquals(0, l[3], 1e-6, "box gradient 2 (box - target) / n");
    }

    @Test
    void alphaWeighsTheTwoTerms() {
        double[] l = loss(0.3);
        assertEquals(0.3 * directCrossEntropy() + 0.7 * directMse(), l[0], 1e-5);
        assertEquals(0, l[3], 1e-6);
    }

    @Test
    void alphaOutsideZeroOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> loss(1.5));
    }

    @Test
    void iouOfBoxes() {
        assertEquals(1.0, ClassLocEval.iou(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
                1e-6);
        // half-overlapping unit squares: 0.5 / 1.5
        assertEquals(1 / 3.0, ClassLocEval.iou(new float[] {0, 0, 1, 1}, new float[] {0.5f, 0, 1, 1}), 1e-6);
        assertEquals(0, ClassLocEval.iou(new float[] {0, 0, 1, 1}, new float[] {2, 2, 1, 1}));
        assertEquals(0, ClassLocEval.iou(new float[] {0, 0, -1, 1}, new float[] {0, 0, 1, 1}));
    }
}
