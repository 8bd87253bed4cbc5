package org.rcnn4j.classic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.nn.functional.LossFunctions;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * Classification + localization, step 1 of the classic pipeline: (conv3x3 - relu - maxpool2) x3, a hidden linear
 * layer with relu, then two linear heads: {@code labels} class logits and 4 box numbers (x, y, w, h) normalised
 * by the image size. Loss = alpha * softmax cross-entropy + (1 - alpha) * mean squared error on the box.
 *
 * <p>A {@link Block}: its parameters are state-dict entries ({@code conv1_weight}, ..., {@code box_bias}), trained
 * by {@link ClassLocTrainer} through the shared {@link org.rcnn4j.train.Trainer}. The constructors build,
 * initialise and bind it in one go; {@link #close()} frees the bound parameters.
 */
public final class ClassifyLocalize extends Block implements AutoCloseable {
    static final int[] CHANNELS = {3, 16, 32, 32};
    static final int HIDDEN = 64;
    static final double HEAD_GAIN = 0.05;
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1, 1, 1);

    private final int imageSize;
    private final int labels;
    private final int hidden;
    private final Parameter[] convW = new Parameter[3];
    private final Parameter[] convB = new Parameter[3];
    private final Parameter hiddenW;
    private final Parameter hiddenB;
    private final Parameter clsW;
    private final Parameter clsB;
    private final Parameter boxW;
    private final Parameter boxB;

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
        this.imageSize = imageSize;
        this.labels = labels;
        this.hidden = hidden;
        for (int i = 0; i < 3; i++) {
            convW[i] = heUniform("conv" + (i + 1) + "_weight", 1, CHANNELS[i + 1], CHANNELS[i], 3, 3);
            convB[i] = addParameter("conv" + (i + 1) + "_bias", new int[] {CHANNELS[i + 1]}, Init.zeros());
        }
        int side = imageSize / 8;
        hiddenW = heUniform("hidden_weight", 1, hidden, CHANNELS[3] * side * side);
        hiddenB = addParameter("hidden_bias", new int[] {hidden}, Init.zeros());
        // small heads: a large initial box error would push the hidden relus dead in the first steps
        clsW = heUniform("cls_weight", HEAD_GAIN, labels, hidden);
        clsB = addParameter("cls_bias", new int[] {labels}, Init.zeros());
        boxW = heUniform("box_weight", HEAD_GAIN, 4, hidden);
        boxB = addParameter("box_bias", new int[] {4}, Init.zeros());
        initialize(seed);
        to(backend);
    }

    /**
     * Draws every parameter from one generator seeded by {@code seed}, in registration order (not one generator
     * per name as {@link Block#initialize} does): the draw the classic pipeline's published numbers came from.
     */
    @Override
    public Block initialize(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (StateEntry e : stateEntries().values()) {
            e.initialize(rng);
        }
        return this;
    }

    public int imageSize() {
        return imageSize;
    }

    public int labels() {
        return labels;
    }

    /** The trainable parameters in registration order (weights then bias, layer by layer). */
    public List<Var> parameters() {
        return new ArrayList<>(trainableVars().values());
    }

    /** images [B, 3, S, S] on this model's backend. */
    public Output forward(Var images) {
        Var h = features(images);
        return new Output(Functional.linear(h, clsW.var(), clsB.var()),
                Functional.linear(h, boxW.var(), boxB.var()));
    }

    /** The penultimate layer: the hidden linear layer after its relu, [B, {@link #featureSize()}]. */
    public Var features(Var images) {
        Var x = images;
        for (int i = 0; i < 3; i++) {
            x = Functional.maxPool2d(TensorMath.relu(Functional.conv2d(x, convW[i].var(), convB[i].var(), SAME)), 2, 2,
                    0);
        }
        return TensorMath.relu(Functional.linear(TensorMath.flatten(x, 1), hiddenW.var(), hiddenB.var()));
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
        Var ce = LossFunctions.crossEntropy(out.logits(), targetLabels);
        Var l2 = mse(out.box(), targetBoxes);
        return new Loss(TensorMath.add(TensorMath.mul(ce, alpha), TensorMath.mul(l2, 1 - alpha)), ce, l2);
    }

    /** F.mse_loss(input, target), reduction mean: built from sub, mul and mean, so it differentiates itself. */
    public static Var mse(Var input, Var target) {
        Var d = TensorMath.sub(input, target);
        return TensorMath.mean(TensorMath.mul(d, d));
    }

    /** He-uniform U(-b, b), b = gain * sqrt(6 / fan_in): keeps activations' scale through the relu layers. */
    private Parameter heUniform(String name, double gain, int... shape) {
        int fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return addParameter(name, shape, Init.uniform(gain * Math.sqrt(6.0 / fanIn)));
    }

    /** Frees the bound parameters (the module stays usable: {@link #to} binds it again). */
    @Override
    public void close() {
        if (isBound()) {
            release();
        }
    }
}
