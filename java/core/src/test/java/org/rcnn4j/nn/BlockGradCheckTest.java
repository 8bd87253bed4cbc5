package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.BlockGradCheck.random;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.BlockGradCheck;

/**
 * Every nn layer's Var forward passes a float64 finite-difference gradient check (inputs and parameters), the
 * module bound with F64 values (issue #4: "every layer and op passes finite-difference gradient checks").
 */
class BlockGradCheckTest {

    private static void check(String what, Block m, Tensor input) {
        int n = BlockGradCheck.of(what, m, v -> List.of(((Layer) m).forward(v[0])), input).run();
        assertTrue(n > 0, what + ": nothing checked");
    }

    /** Non-trivial per-channel values for every F32 entry of {@code m} (positive where named *var*). */
    static void randomizeFloats(Block m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        m.stateEntries().forEach((k, e) -> {
            if (e.dtype() != DType.F32) {
                return;
            }
            float[] f = new float[e.numel()];
            for (int i = 0; i < f.length; i++) {
                f[i] = k.endsWith("var") ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() * 2 - 1);
            }
            e.set(Tensor.ofFloats(f, e.shape()));
        });
    }

    @Test
    void conv2d() {
        check("Conv2d 3x3 s2 p1 bias", new Conv2d(3, 4, 3, 2, 1, true).initialize(1), random(1, 2, 3, 7, 6));
        check("Conv2d 1x1 no bias", new Conv2d(4, 2, 1, 1, 0, false).initialize(2), random(2, 1, 4, 3, 3));
        check("Conv2d dilation 2 groups 2", new Conv2d(4, 6, 3, 1, 2, 2, 2, true).initialize(3),
                random(3, 1, 4, 5, 5));
    }

    @Test
    void linear() {
        check("Linear bias", new Linear(5, 3).initialize(4), random(4, 4, 5));
        check("Linear no bias", new Linear(3, 2, false).initialize(5), random(5, 6, 3));
    }

    @Test
    void activationAndPooling() {
        check("ReLU", new ReLU(), random(6, 2, 3, 4));
        check("MaxPool2d 3 s2 p1", new MaxPool2d(3, 2, 1), random(7, 1, 2, 7, 6));
        check("MaxPool2d 1 s2 (FPN pool level)", new MaxPool2d(1, 2, 0), random(8, 1, 2, 5, 5));
        check("AdaptiveAvgPool2d 3x2 from 7x5", new AdaptiveAvgPool2d(3, 2), random(9, 2, 2, 7, 5));
        check("AdaptiveAvgPool2d 4x4 from 3x3 (upsampling bins)", new AdaptiveAvgPool2d(4, 4), random(10, 1, 2, 3,
                3));
    }

    @Test
    void convTranspose2d() {
        check("ConvTranspose2d k2 s2 bias", new ConvTranspose2d(3, 2, 2, 2, 0, true).initialize(11),
                random(11, 2, 3, 3, 4));
        check("ConvTranspose2d k3 s2 p1 no bias", new ConvTranspose2d(2, 3, 3, 2, 1, false).initialize(12),
                random(12, 1, 2, 3, 3));
    }

    @Test
    void frozenBatchNorm2d() {
        FrozenBatchNorm2d bn = new FrozenBatchNorm2d(3);
        randomizeFloats(bn, 13);
        check("FrozenBatchNorm2d", bn, random(13, 2, 3, 2, 3));
    }

    @Test
    void batchNorm2d() {
        BatchNorm2d train = new BatchNorm2d(3);
        train.initialize(14);
        randomizeFloats(train, 14);
        train.train(true);
        check("BatchNorm2d train", train, random(14, 2, 3, 3, 2));
        BatchNorm2d eval = new BatchNorm2d(3);
        eval.initialize(15); // num_batches_tracked
        randomizeFloats(eval, 15);
        eval.eval();
        check("BatchNorm2d eval", eval, random(15, 2, 3, 3, 2));
    }

    @Test
    void dropoutWithFixedSeed() {
        Dropout d = new Dropout(0.4);
        d.train(true);
        Block m = d;
        int n = BlockGradCheck.of("Dropout p=0.4 train", m, v -> {
            d.seed(17); // the same mask for every evaluation
            return List.of(d.forward(v[0]));
        }, random(16, 3, 5)).run();
        assertTrue(n > 0);
        d.eval();
        check("Dropout eval (identity)", d, random(17, 2, 3));
    }

    @Test
    void sequential() {
        Sequential s = new Sequential(new Conv2d(2, 3, 3, 1, 1, true), new ReLU(), new MaxPool2d(2, 2, 0),
                new Conv2d(3, 2, 1, 1, 0, true));
        s.initialize(18);
        check("Sequential conv-relu-pool-conv", s, random(18, 1, 2, 6, 6));
    }

    @Test
    void sequentialOfNormLayersAndLinear() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Sequential s = new Sequential(new Conv2dNormActivationProbe(bn), new AdaptiveAvgPool2d(1, 1));
        s.initialize(19);
        randomizeFloats(bn, 19);
        s.train(true);
        check("Sequential conv-bn(train)-relu-avgpool", s, random(19, 3, 2, 4, 4));
    }

    /** conv 3x3 + the given batch norm + ReLU, as torchvision's Conv2dNormActivation with a BatchNorm2d. */
    private static final class Conv2dNormActivationProbe extends Sequential {
        Conv2dNormActivationProbe(BatchNorm2d bn) {
            super(new Conv2d(2, 2, 3, 1, 1, false), bn, new ReLU());
        }
    }

    @Test
    void unusedVarIsNotAGradient() {
        // guards the checker itself: a forward that ignores a parameter must fail ("got no gradient")
        Linear l = new Linear(2, 2);
        l.initialize(20);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> BlockGradCheck.of("ignores bias",
                l, v -> List.of(org.rcnn4j.nn.functional.Functional.linear(v[0], l.weight().var(), null)), random(20, 3, 2))
                .run());
        // and a wrong analytic gradient fails: scale the output in a way autograd does not see
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> BlockGradCheck.of("wrong grad",
                l, v -> {
                    Var y = l.forward(v[0]);
                    boolean recording = org.rcnn4j.autograd.Autograd.isGradEnabled();
                    return List.of(recording ? y : org.rcnn4j.nn.functional.TensorMath.mul(y, 1.5));
                }, random(21, 3, 2)).run());
    }
}
