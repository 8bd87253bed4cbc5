package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

class BlockTest {

    /** torch: own parameters, own buffers, then children in registration order. */
    static final class Sample extends Block {
        Sample() {
            addParameter("scale", new int[] {2}, Init.ones());
            addBuffer("count", DType.I64, new int[0], Init.zeros());
            addBlock("conv", new Conv2d(2, 3, 3, 1, 1, true));
            addBlock("bn", new BatchNorm2d(3));
            addBlock("act", new ReLU());
            addBlock("frozen", new FrozenBatchNorm2d(3));
            addBlock("head", new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1, false)));
        }
    }

    @Test
    void stateDictOrderIsTorchs() {
        Block b = new Sample();
        assertEquals(List.of("scale", "count", "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
                "bn.running_var", "bn.num_batches_tracked", "frozen.weight", "frozen.bias", "frozen.running_mean",
                "frozen.running_var", "head.0.weight", "head.0.bias", "head.2.weight"),
                List.copyOf(b.stateEntries().keySet()));
        assertEquals(List.of("scale", "conv.weight", "conv.bias", "bn.weight", "bn.bias", "head.0.weight",
                "head.0.bias", "head.2.weight"), List.copyOf(b.namedParameters().keySet()));
        assertEquals(List.of("count", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "frozen.weight",
                "frozen.bias", "frozen.running_mean", "frozen.running_var"), List.copyOf(b.namedBuffers().keySet()));
        assertEquals(2 + 54 + 3 + 3 + 3 + 12 + 4 + 4, b.parameterCount());
        assertEquals(1 + 3 + 3 + 1 + 12, b.bufferCount());
        assertEquals(List.of("", "conv", "bn", "act", "frozen", "head", "head.0", "head.1", "head.2"),
                List.copyOf(b.namedModules().keySet()));
        assertSame(b.get("head.2"), b.get("head").children().get("2"));
    }

    @Test
    void shapesFollowTorchsConventions() {
        assertArrayEquals(new int[] {8, 2, 3, 3}, new Conv2d(4, 8, 3, 1, 1, 1, 2, false).weight().shape());
        assertArrayEquals(new int[] {4, 6, 2, 2}, new ConvTranspose2d(4, 6, 2, 2, 0, true).weight().shape());
        assertArrayEquals(new int[] {6}, new ConvTranspose2d(4, 6, 2, 2, 0, true).bias().shape());
        assertArrayEquals(new int[] {7, 5}, new Linear(5, 7).weight().shape());
        assertEquals(DType.I64, new BatchNorm2d(3).namedBuffers().get("num_batches_tracked").dtype());
        assertArrayEquals(new int[0], new BatchNorm2d(3).namedBuffers().get("num_batches_tracked").shape());
        assertTrue(new FrozenBatchNorm2d(3).namedParameters().isEmpty());
        Conv2dNormActivation withNorm = new Conv2dNormActivation(2, 3, 3, 2, 1, BatchNorm2d::new, true);
        assertEquals(List.of("0", "1", "2"), List.copyOf(withNorm.children().keySet()));
        assertEquals(null, withNorm.conv().bias(), "no conv bias when a norm follows");
        assertEquals(List.of("0", "1"), List.copyOf(Conv2dNormActivation.plain(2, 3, 3, true).children().keySet()));
        assertEquals(2, withNorm.conv().params().strideH());
        assertEquals(1, withNorm.conv().params().padH());
    }

    @Test
    void namesAreCheckedWhenRegistered() {
        Block m = new Block() {
        };
        m.addBlock("a", new ReLU());
        assertThrows(IllegalArgumentException.class, () -> m.addBlock("a", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> m.addParameter("a", new int[] {1}, Init.zeros()));
        assertThrows(IllegalArgumentException.class, () -> m.addBlock("x.y", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> m.addBlock("", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> m.get("b"));
    }

    @Test
    void valuesAreAllocatedOnlyByInitializeOrLoad() {
        Block b = new Sample();
        assertThrows(IllegalStateException.class, b::stateDict);
        b.initialize(1);
        Map<String, Tensor> sd = b.stateDict();
        assertEquals(16, sd.size());
        assertEquals(0L, sd.get("bn.num_batches_tracked").longs()[0]);
        assertArrayEquals(new float[] {1, 1, 1}, sd.get("frozen.weight").floats());
        assertArrayEquals(new float[] {1, 1, 1}, sd.get("frozen.running_var").floats());
        assertArrayEquals(new float[] {0, 0, 0}, sd.get("bn.running_mean").floats());
    }

    @Test
    void initializeIsDeterministicPerSeedAndName() {
        Block a = new Sample().initialize(42);
        Block b = new Sample().initialize(42);
        Block c = new Sample().initialize(43);
        assertArrayEquals(a.stateDict().get("conv.weight").floats(), b.stateDict().get("conv.weight").floats());
        assertFalse(java.util.Arrays.equals(a.stateDict().get("conv.weight").floats(),
                c.stateDict().get("conv.weight").floats()));
        // the same layer under another name draws other values; under the same name, the same ones
        Sequential s = new Sequential(new Linear(3, 4));
        s.initialize(42);
        assertArrayEquals(a.stateDict().get("head.0.weight").floats(),
                new Sample().initialize(42).stateDict().get("head.0.weight").floats());
        assertFalse(java.util.Arrays.equals(a.stateDict().get("head.0.weight").floats(),
                s.stateDict().get("0.weight").floats()));
        assertNotEquals(Block.seedFor(42, "a.weight"), Block.seedFor(42, "b.weight"));
    }

    @Test
    void loadStateDictChecksKeysShapesAndDtypes() {
        Block src = new Sample().initialize(5);
        Block dst = new Sample();
        Block.LoadResult r = dst.loadStateDict(src.stateDict(), true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        assertSame(src.stateDict().get("conv.weight"), dst.stateDict().get("conv.weight"));

        Map<String, Tensor> partial = new LinkedHashMap<>(src.stateDict());
        partial.remove("head.2.weight");
        partial.put("extra", Tensor.zeros(DType.F32, 1));
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
                () -> new Sample().loadStateDict(partial, true));
        assertTrue(strict.getMessage().contains("head.2.weight") && strict.getMessage().contains("extra"),
                strict.getMessage());
        Block lenient = new Sample();
        Block.LoadResult lr = lenient.loadStateDict(partial, false);
        assertEquals(List.of("head.2.weight"), lr.missingKeys());
        assertEquals(List.of("extra"), lr.unexpectedKeys());
        assertFalse(lenient.stateEntries().get("head.2.weight").hasValue());

        Map<String, Tensor> badShape = new LinkedHashMap<>(src.stateDict());
        badShape.put("conv.weight", Tensor.zeros(DType.F32, 3, 2, 1, 1));
        Block untouched = new Sample();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> untouched.loadStateDict(badShape, false));
        assertTrue(e.getMessage().contains("conv.weight") && e.getMessage().contains("[3, 2, 3, 3]"), e.getMessage());
        assertFalse(untouched.stateEntries().get("conv.bias").hasValue(), "a failed load changes nothing");

        Map<String, Tensor> badDtype = new LinkedHashMap<>(src.stateDict());
        badDtype.put("bn.num_batches_tracked", Tensor.zeros(DType.F32));
        assertThrows(IllegalArgumentException.class, () -> new Sample().loadStateDict(badDtype, true));
    }

    @Test
    void requiresGradCanFreezeASubtree() {
        Block b = new Sample();
        b.get("head").requiresGrad(false);
        assertFalse(b.namedParameters().get("head.0.weight").requiresGrad());
        assertTrue(b.namedParameters().get("conv.weight").requiresGrad());
        assertEquals(b.parameterCount() - 12 - 4 - 4, b.trainableParameterCount());
    }
}
