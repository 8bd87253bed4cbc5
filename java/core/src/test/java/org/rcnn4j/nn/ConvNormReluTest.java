package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.backbone.Bottleneck;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * ConvNormRelu on the CPU backend: at inference the fused family call (conv2d + bias + relu) and the unfolded
 * norms give exactly the separate layers' bits; folding, when asked for by the property, stays within float32
 * rounding of them, is computed once, and is dropped when training resumes, when a weight is replaced and on
 * release.
 */
class ConvNormReluTest {
    private final Backend cpu = new CpuBackend();

    /** The models the fusion sees: a ResNet bottleneck (frozen and batch norms) and the heads' conv + bias + ReLU. */
    static Map<String, Supplier<Block>> models() {
        Map<String, Supplier<Block>> m = new LinkedHashMap<>();
        m.put("bottleneck, frozen norms, downsample", () -> new Bottleneck(8, 4, 2, Norm.FROZEN));
        m.put("bottleneck, batch norms", () -> new Bottleneck(16, 4, 1, Norm.BATCH));
        m.put("conv + bias + relu, conv + relu", () -> new Sequential(new Conv2d(3, 6, 3, 1, 1, true), new ReLU(),
                new Conv2d(6, 5, 3, 2, 1, 1, 1, false), new ReLU(), Conv2dNormActivation.plain(5, 4, 3, true)));
        m.put("conv + batch norm + relu, conv + frozen norm", () -> new Sequential(new Conv2d(3, 6, 3, 1, 1, true),
                new BatchNorm2d(6), new ReLU(), new Conv2d(6, 4, 1, 1, 0, false), new FrozenBatchNorm2d(4, 0f)));
        return m;
    }

    /** Random weights and non-trivial norm statistics (variances in [0.5, 2], means and shifts around 0). */
    static Block randomized(Block model, long seed) {
        model.initialize(seed);
        RandomTensors rnd = new RandomTensors(seed);
        LinkedHashMap<String, Tensor> sd = model.stateDict();
        sd.replaceAll((k, v) -> {
            if (!v.dtype().isFloating() || v.dim() != 1) {
                return v;  // conv weights keep their init; num_batches_tracked its count
            }
            if (k.endsWith("running_var")) {
                return rnd.uniform(0.5f, 2f, v.shape());
            }
            return k.endsWith("weight") ? rnd.uniform(0.5f, 1.5f, v.shape()) : rnd.uniform(-0.3f, 0.3f, v.shape());
        });
        model.loadStateDict(sd, true);
        return model;
    }

    static int channels(Block model) {
        return model instanceof Bottleneck b ? ((Conv2d) b.get("conv1")).weight().shape()[1] : 3;
    }

    /** The model's output at inference (under noGrad), a host copy. */
    static Tensor inference(Block model, Backend b, Tensor x) {
        try (Scope s = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            return copy(b.toHost(((Layer) model).forward(Var.fromHost(b, x)).value()));
        }
    }

    /** The same model run layer by layer (the input requires grad, so nothing fuses), a host copy. */
    static Tensor separate(Block model, Backend b, Tensor x) {
        try (Scope s = Scope.open()) {
            return copy(b.toHost(((Layer) model).forward(Var.param(b, b.toDevice(x))).value()));
        }
    }

    static Tensor copy(Tensor host) {
        return host.dtype() == org.rcnn4j.tensor.DType.F64 ? Tensor.ofDoubles(host.doubles().clone(), host.shape())
                : Tensor.ofFloats(host.floats().clone(), host.shape());
    }

    @Test
    void cpuInferenceGivesTheSeparateLayersBits() {
        models().forEach((name, make) -> {
            Block model = randomized(make.get(), 11);
            model.to(cpu).eval();
            try {
                Tensor x = new RandomTensors(5).normal(2, channels(model), 9, 10);
                TensorAssert.assertExact(name, separate(model, cpu, x), inference(model, cpu, x));
                model.namedModules().values().forEach(m -> {
                    if (m instanceof Conv2d c) {
                        assertNull(c.currentFold(), name + ": the CPU backend does not fold by default");
                    }
                });
            } finally {
                model.release();
            }
        });
    }

    @Test
    void foldingWhenAskedStaysWithinFloat32Rounding() {
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "true");
        try {
            models().forEach((name, make) -> {
                Block model = randomized(make.get(), 12);
                model.to(cpu).eval();
                try {
                    Tensor x = new RandomTensors(6).normal(2, channels(model), 9, 10);
                    TensorAssert.assertClose(name, separate(model, cpu, x), inference(model, cpu, x),
                            TensorAssert.FORWARD);
                } finally {
                    model.release();
                }
            });
        } finally {
            restore(old);
        }
    }

    @Test
    void theFoldIsComputedOnceAndDroppedWhenStale() {
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "true");
        Block model = randomized(new Bottleneck(8, 4, 2, Norm.BATCH), 13);
        try {
            model.to(cpu).eval();
            Conv2d conv1 = (Conv2d) model.get("conv1");
            Tensor x = new RandomTensors(7).normal(1, 8, 7, 7);
            inference(model, cpu, x);
            FoldedConv first = conv1.currentFold();
            assertNotNull(first, "folded at inference");
            inference(model, cpu, x);
            assertSame(first, conv1.currentFold(), "computed once");
            model.train(true);
            assertNull(conv1.currentFold(), "training resumes: dropped");
            model.eval();
            inference(model, cpu, x);
            FoldedConv second = conv1.currentFold();
            assertNotNull(second);
            // an optimizer step or a load replaces a weight's value: the fold is recomputed from the new one
            Tensor w = new RandomTensors(8).normal(conv1.weight().shape());
            conv1.weight().var().loadValue(w);
            TensorAssert.assertClose("after a new weight", separate(model, cpu, x), inference(model, cpu, x),
                    TensorAssert.FORWARD);
            assertNotSame(second, conv1.currentFold(), "recomputed for the new weight");
            model.release();
            assertNull(conv1.currentFold(), "release drops it");
        } finally {
            restore(old);
            if (model.isBound()) {
                model.release();
            }
        }
    }

    @Test
    void aBatchNormInTrainingModeIsNotFolded() {
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "true");
        Block model = randomized(new Sequential(new Conv2d(3, 4, 3, 1, 1, false), new BatchNorm2d(4), new ReLU()), 14);
        try {
            model.to(cpu).train(true);
            Tensor x = new RandomTensors(9).normal(2, 3, 6, 6);
            inference(model, cpu, x);
            assertNull(((Conv2d) model.get("0")).currentFold(), "batch statistics cannot be folded");
        } finally {
            restore(old);
            model.release();
        }
    }

    @Test
    void anUnknownFoldSettingIsRefusedByName() {
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "sometimes");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvNormRelu.folds(cpu));
            assertTrue(e.getMessage().contains(ConvNormRelu.FOLD_PROPERTY) && e.getMessage().contains("sometimes"),
                    e.getMessage());
        } finally {
            restore(old);
        }
    }

    static void restore(String old) {
        if (old == null) {
            System.clearProperty(ConvNormRelu.FOLD_PROPERTY);
        } else {
            System.setProperty(ConvNormRelu.FOLD_PROPERTY, old);
        }
    }
}
