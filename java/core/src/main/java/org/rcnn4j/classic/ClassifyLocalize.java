package org.rcnn4j.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Losses;
import org.rcnn4j.autograd.Nn;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.tensor.Tensor;

/**
 * Classification + localization, step 1 of the classic pipeline: (conv3x3 - relu - maxpool2) x3, a hidden linear
 * layer with relu, then two linear heads: {@code labels} class logits and 4 box numbers (x, y, w, h) normalised
 * by the image size. Loss = alpha * softmax cross-entropy + (1 - alpha) * mean squared error on the box.
 * Parameters are initialised from a seed (He-uniform weights, zero biases). Close it to free the parameters.
 */
public final class ClassifyLocalize implements AutoCloseable {
    static final int[] CHANNELS = {3, 16, 32, 32};
    static final int HIDDEN = 64;
    static final double HEAD_GAIN = 0.05;
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1, 1, 1);

    private final Backend backend;
    private final int imageSize;
    private final int labels;
    private final int hidden;
    private final Var[] convW = new Var[3];
    private final Var[] convB = new Var[3];
    private final Var hiddenW;
    private final Var hiddenB;
    private final Var clsW;
    private final Var clsB;
    private final Var boxW;
    private final Var boxB;

    /** What the model says about a batch: logits [B, labels] and boxes [B, 4]. */
    public record Output(Var logits, Var box) {
    }

    /** The loss and its two terms (each 0-dim). */
    public record Loss(Var total, Var crossEntropy, Var l2) {
    }

    public ClassifyLocalize(Backend backend, int imageSize, int labels, long seed) {
        this(backend, imageSize, labels, HIDDEN, seed);
    }

    /** With {@code hidden} units in the hidden layer (the features {@link #features} returns). */
    public ClassifyLocalize(Backend backend, int imageSize, int labels, int hidden, long seed) {
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
        if (imageSize < 8 || imageSize % 8 != 0) {
            throw new IllegalArgumentException("image size must be a multiple of 8 (three 2x poolings), got "
                    + imageSize);
        }
        if (labels < 2) {
            throw new IllegalArgumentException("labels must be >= 2, got " + labels);
        }
        this.backend = backend;
        this.imageSize = imageSize;
        this.labels = labels;
        this.hidden = hidden;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < 3; i++) {
            convW[i] = param(rng, 1, CHANNELS[i + 1], CHANNELS[i], 3, 3);
            convB[i] = zeros(CHANNELS[i + 1]);
        }
        int side = imageSize / 8;
        hiddenW = param(rng, 1, hidden, CHANNELS[3] * side * side);
        hiddenB = zeros(hidden);
        // small heads: a large initial box error would push the hidden relus dead in the first steps
        clsW = param(rng, HEAD_GAIN, labels, hidden);
        clsB = zeros(labels);
        boxW = param(rng, HEAD_GAIN, 4, hidden);
        boxB = zeros(4);
    }

    public int imageSize() {
        return imageSize;
    }

    public int labels() {
        return labels;
    }

    public Backend backend() {
        return backend;
    }

    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(convW[i]);
            ps.add(convB[i]);
        }
        ps.addAll(List.of(hiddenW, hiddenB, clsW, clsB, boxW, boxB));
        return ps;
    }

    /** images [B, 3, S, S] on this model's backend. */
    public Output forward(Var images) {
        Var h = features(images);
        return new Output(Nn.linear(h, clsW, clsB), Nn.linear(h, boxW, boxB));
    }

    /** The penultimate layer: the hidden linear layer after its relu, [B, {@link #featureSize()}]. */
    public Var features(Var images) {
        Var x = images;
        for (int i = 0; i < 3; i++) {
            x = Nn.maxPool2d(Ops.relu(Nn.conv2d(x, convW[i], convB[i], SAME)), 2, 2, 0);
        }
        return Ops.relu(Nn.linear(Ops.flatten(x, 1), hiddenW, hiddenB));
    }

    public int featureSize() {
        return hidden;
    }

    /**
     * alpha * cross_entropy(logits, target) + (1 - alpha) * mse(box, targetBox); targets are class indices I64 [B]
     * and normalised boxes [B, 4].
     */
    public static Loss loss(Output out, Var targetLabels, Var targetBoxes, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        Var ce = Losses.crossEntropy(out.logits(), targetLabels);
        Var l2 = mse(out.box(), targetBoxes);
        return new Loss(Ops.add(Ops.mul(ce, alpha), Ops.mul(l2, 1 - alpha)), ce, l2);
    }

    /** F.mse_loss(input, target), reduction mean: built from sub, mul and mean, so it differentiates itself. */
    public static Var mse(Var input, Var target) {
        Var d = Ops.sub(input, target);
        return Ops.mean(Ops.mul(d, d));
    }

    private Var param(SplittableRandom rng, double gain, int... shape) {
        int fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        // He-uniform: keeps activations' scale through the relu layers
        double bound = gain * Math.sqrt(6.0 / fanIn);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return Var.param(backend, backend.toDevice(Tensor.ofFloats(w, shape)));
    }

    private Var zeros(int n) {
        return Var.param(backend, backend.toDevice(Tensor.ofFloats(new float[n], n)));
    }

    @Override
    public void close() {
        for (Var p : parameters()) {
            p.close();
        }
    }
}
