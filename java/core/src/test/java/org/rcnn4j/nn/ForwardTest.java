package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.Inference;
import org.rcnn4j.testing.TensorAssert;

/** A small torch net (fixtures/nn_forward, gen_nn_forward.py) loaded by its state_dict names and run on the CPU. */
class ForwardTest {

    /** The same modules under the same names as the fixture's torch net. */
    static final class Net extends Block {
        final Sequential features;
        final Sequential classifier;

        Net() {
            features = addBlock("features", new Sequential(new Conv2d(3, 8, 3, 1, 1, true), new BatchNorm2d(8),
                    new ReLU(), new MaxPool2d(3, 2, 1), new Conv2d(8, 4, 1, 1, 0, false), new FrozenBatchNorm2d(4, 0f),
                    new ReLU()));
            classifier = addBlock("classifier", new Sequential(new Linear(4 * 5 * 6, 5), new ReLU(),
                    new Dropout(0.5), new Linear(5, 3)));
        }
    }

    @Test
    void torchNetLoadsAndRunsLikeTorch() {
        Map<String, Tensor> fx = Fixtures.load("nn_forward");
        Map<String, Tensor> sd = new LinkedHashMap<>(fx);
        Tensor input = sd.remove("input");
        Tensor featuresOut = sd.remove("features_out");
        Tensor output = sd.remove("output");
        Net net = new Net();
        assertEquals(java.util.List.copyOf(sd.keySet()), java.util.List.copyOf(net.stateEntries().keySet()),
                "torch's state_dict order");
        Block.LoadResult r = net.loadStateDict(sd, true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        assertEquals(7L, net.stateDict().get("features.1.num_batches_tracked").longs()[0]);

        net.eval();
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, net)) {
            Var f = net.features.forward(run.input(input));
            TensorAssert.assertClose("features", featuresOut, f.value(), TensorAssert.FORWARD);
            Var y = net.classifier.forward(TensorMath.flatten(f, 1));
            TensorAssert.assertClose("classifier", output, y.value(), TensorAssert.FORWARD);
        }
    }

    @Test
    void maxPoolTakesTheWindowMaxIgnoringPadding() {
        // 1x1x3x4, kernel 3, stride 2, padding 1 -> 2x2; every value negative so padding must not count as 0
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12};
        MaxPool2d pool = new MaxPool2d(3, 2, 1);
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, pool)) {
            Tensor y = pool.forward(run.input(Tensor.ofFloats(x, 1, 1, 3, 4))).value();
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            assertArrayEquals(new float[] {-1, -2, -5, -6}, y.floats());
        }
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3, 2, 2));
    }

    @Test
    void reluKeepsNaNAndZeroesNegatives() {
        ReLU relu = new ReLU();
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, relu)) {
            Tensor y = relu.forward(run.input(Tensor.ofFloats(new float[] {-1f, 0f, 2.5f, Float.NaN}, 4))).value();
            assertArrayEquals(new float[] {0f, 0f, 2.5f, Float.NaN}, y.floats());
        }
    }

    @Test
    void forwardNeedsValues() {
        Conv2d c = new Conv2d(1, 1, 1, 1, 0, true);
        try (Backend cpu = new CpuBackend()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.to(cpu));
            assertTrue(e.getMessage().contains("initialize"), e.getMessage());
        }
    }
}
