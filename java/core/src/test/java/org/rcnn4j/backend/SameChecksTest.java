package org.rcnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.detection.MultiScaleRoIAlignFunction;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;

/**
 * The CPU and CUDA backends reject the same bad inputs with the same exception type, the message naming the
 * argument: the CPU at once, CUDA at once or, for the checks that read device data (a RoI's batch index, matched
 * indices, roi_pool's argmax, take's index), at its next synchronization. Each case runs the op and reads its
 * result back; afterwards the backend works again.
 */
class SameChecksTest {
    private static final Backend CPU = new CpuBackend();
    /** A CUDA backend of this test's own: the cases' uploads are left to its close. */
    private static Backend cuda;

    @AfterAll
    static void closeCuda() {
        if (cuda != null) {
            cuda.close();
        }
    }

    private static synchronized Backend cuda() {
        if (cuda == null) {
            cuda = new CudaBackend(CudaTestSupport.device().shared());
        }
        return cuda;
    }

    /** One bad input: the op on a backend (inputs uploaded there), returning what to read back. */
    private record Case(String name, String argument, Function<Backend, List<Tensor>> op) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Tensor features() {
        return new RandomTensors(11).uniform(0f, 1f, 2, 3, 8, 8);
    }

    /** RoIs [2,5] over a 2-image batch, the second one's batch index {@code batch}. */
    private static Tensor rois(float batch) {
        return Tensor.ofFloats(new float[] {0, 1, 1, 6, 6, batch, 0, 0, 5, 7}, 2, 5);
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (float bad : new float[] {2f, -1f, Float.NaN}) {
            c.add(new Case("roi_align batch index " + bad, "boxes", b -> List.of(b.roi().roiAlign(
                    b.toDevice(features()), b.toDevice(rois(bad)), 2, 2, 1f, 2, false))));
        }
        c.add(new Case("roi_align backward batch index", "boxes", b -> List.of(b.roi().roiAlignBackward(
                b.toDevice(new RandomTensors(3).normal(2, 3, 2, 2)), b.toDevice(rois(5)), new int[] {2, 3, 8, 8},
                1f, 2, false))));
        c.add(new Case("roi_pool batch index", "boxes", b -> {
            RoiPoolResult r = b.roi().roiPool(b.toDevice(features()), b.toDevice(rois(3)), 2, 2, 1f);
            return List.of(r.output(), r.argmax());
        }));
        c.add(new Case("roi_pool backward batch index", "boxes", b -> List.of(b.roi().roiPoolBackward(
                b.toDevice(new RandomTensors(3).normal(2, 3, 2, 2)), b.toDevice(rois(-7)),
                b.toDevice(Tensor.zeros(DType.I32, 2, 3, 2, 2)), new int[] {2, 3, 8, 8}))));
        c.add(new Case("roi_pool backward argmax", "argmax", b -> {
            int[] argmax = new int[2 * 3 * 2 * 2];
            argmax[5] = 64; // H*W: one past the plane
            return List.of(b.roi().roiPoolBackward(b.toDevice(new RandomTensors(3).normal(2, 3, 2, 2)),
                    b.toDevice(rois(1)), b.toDevice(Tensor.ofInts(argmax, 2, 3, 2, 2)), new int[] {2, 3, 8, 8}));
        }));
        c.add(new Case("mask targets matched index", "matched_idxs", b -> List.of(b.maskTargets().project(
                b.toDevice(Tensor.ofBytes(new byte[2 * 6 * 6], 2, 6, 6)),
                b.toDevice(Tensor.ofFloats(new float[] {0, 0, 4, 4, 1, 1, 5, 5}, 2, 4)),
                b.toDevice(Tensor.ofLongs(new long[] {1, 2}, 2)), 4))));
        c.add(new Case("multi-scale pooling of more images than features", "boxes", b -> {
            try (Scope s = Scope.open()) {
                Var f = Var.of(b, b.toDevice(new RandomTensors(5).uniform(0f, 1f, 1, 2, 8, 8)));
                Tensor boxes = Tensor.ofFloats(new float[] {0, 0, 10, 10}, 1, 4);
                Var out = MultiScaleRoIAlignFunction.forward(List.of(f), List.of(b.toDevice(boxes),
                        b.toDevice(boxes)), List.of(new int[] {16, 16}, new int[] {16, 16}), 2, 2);
                return List.of(b.toHost(out.value()));
            }
        }));
        c.add(new Case("take index", "index", b -> List.of(b.gather().take(b.toDevice(features()),
                b.toDevice(Tensor.ofLongs(new long[] {0, 2 * 3 * 64}, 2))))));
        c.add(new Case("index_add index", "index", b -> List.of(b.gather().indexAdd(
                b.toDevice(new RandomTensors(4).normal(3, 2)), b.toDevice(Tensor.ofLongs(new long[] {0, 4, 1}, 3)),
                4))));
        c.add(new Case("index_select index", "index", b -> List.of(b.gather().indexSelect(b.toDevice(features()),
                b.toDevice(Tensor.ofLongs(new long[] {2}, 1))))));
        c.add(new Case("index_select of I64 rows, index", "index", b -> List.of(b.gather().indexSelect(
                b.toDevice(Tensor.ofLongs(new long[] {1, 2, 3}, 3)), b.toDevice(Tensor.ofInts(new int[] {-1}, 1))))));
        c.add(new Case("masked rows, mask length", "mask", b -> List.of(b.gather().maskedSelect(
                b.toDevice(features()), b.toDevice(Tensor.ofBytes(new byte[] {1, 0, 1}, 3))))));
        c.add(new Case("cross_entropy target", "target", b -> List.of(b.losses().crossEntropy(
                b.toDevice(new RandomTensors(2).normal(3, 4)), b.toDevice(Tensor.ofLongs(new long[] {0, 4, 1}, 3)),
                -100).loss())));
        c.add(new Case("convert NaN to I32", "x", b -> List.of(b.convert().to(
                b.toDevice(Tensor.ofFloats(new float[] {1.5f, Float.NaN}, 2)), DType.I32))));
        c.add(new Case("convert 256 to U8", "x", b -> List.of(b.convert().to(
                b.toDevice(Tensor.ofInts(new int[] {255, 256}, 2)), DType.U8))));
        return c;
    }

    static Stream<Arguments> casesOnBothBackends() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : cases()) {
            out.add(Arguments.of("cpu", c));
            out.add(Arguments.of("cuda", c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesOnBothBackends")
    void badInputThrowsTheSameOnBothBackends(String kind, Case c) {
        Backend b = kind.equals("cpu") ? CPU : cuda();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.toHost(c.op().apply(b)),
                c.name() + " on " + b.name());
        assertTrue(e.getMessage().contains(c.argument()), c.name() + " on " + b.name() + ": the message names "
                + c.argument() + ": " + e.getMessage());
        // reported once: the backend runs the next op as usual
        Tensor x = new RandomTensors(9).normal(4, 2);
        try (Tensor d = b.toDevice(x); Tensor picked = b.gather().indexSelect(d, b.toDevice(
                Tensor.ofLongs(new long[] {3, 0}, 2)))) {
            float[] expected = {x.floats()[6], x.floats()[7], x.floats()[0], x.floats()[1]};
            assertArrayEquals(expected, b.toHost(picked).floats());
            b.synchronize();
        }
    }
}
