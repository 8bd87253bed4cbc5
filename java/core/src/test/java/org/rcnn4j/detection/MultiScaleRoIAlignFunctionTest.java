package org.rcnn4j.detection;

import static org.rcnn4j.testing.TensorAssert.FORWARD;
import static org.rcnn4j.testing.TensorAssert.GRADIENT;
import static org.rcnn4j.testing.TensorAssert.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/**
 * MultiScaleRoIAlign's forward against torchvision.ops.MultiScaleRoIAlign (fixture detection_pooler): two images
 * of different sizes, boxes on all four levels (one far outside the image, one of zero width), output and the
 * features' gradients of sum(output * w).
 */
class MultiScaleRoIAlignFunctionTest {
    private static final Map<String, Tensor> F = Fixtures.load("detection_pooler");
    private final Backend cpu = new CpuBackend();

    private void check(String name, List<String> levels, int outputSize) {
        try (Scope s = Scope.open()) {
            List<Var> feats = new ArrayList<>();
            for (String l : levels) {
                feats.add(Var.param(cpu, Fx.copy(F.get("feat." + l))));
            }
            List<Tensor> boxes = List.of(F.get("boxes0"), F.get("boxes1"));
            Var y = MultiScaleRoIAlignFunction.forward(feats, boxes, Fx.sizes(F.get("image_sizes")), outputSize, 2);
            assertClose(name + " output", F.get(name + ".out"), y.value(), FORWARD);
            Var w = Var.of(cpu, Fx.copy(F.get(name + ".weight")));
            Ops.sum(Ops.mul(y, w)).backward();
            for (int i = 0; i < levels.size(); i++) {
                assertClose(name + " grad " + levels.get(i), F.get(name + ".grad." + levels.get(i)),
                        feats.get(i).grad(), GRADIENT);
            }
        }
    }

    @Test
    void boxBranchFourLevels() {
        check("box", List.of("0", "1", "2", "3"), 7);
    }

    @Test
    void otherOutputSize() {
        check("mask", List.of("0", "1", "2", "3"), 5);
    }

    @Test
    void singleLevelPoolsEverythingThere() {
        check("one", List.of("1"), 4);
    }

    @Test
    void levelsAsTorchvision() {
        float[] all = new float[(F.get("boxes0").size(0) + F.get("boxes1").size(0)) * 4];
        System.arraycopy(F.get("boxes0").floats(), 0, all, 0, F.get("boxes0").numel());
        System.arraycopy(F.get("boxes1").floats(), 0, all, F.get("boxes0").numel(), F.get("boxes1").numel());
        int[] lv = new LevelMapper(2, 5).levels(all);
        Tensor expected = F.get("box.levels");
        long[] got = new long[lv.length];
        for (int i = 0; i < lv.length; i++) {
            got[i] = lv[i];
        }
        org.rcnn4j.testing.TensorAssert.assertExact("levels", expected, Tensor.ofLongs(got, got.length));
    }

    @Test
    void scalesInferredFromTheLargestImage() {
        List<Var> feats = List.of(Var.of(cpu, Tensor.zeros(org.rcnn4j.tensor.DType.F32, 1, 1, 200, 272)),
                Var.of(cpu, Tensor.zeros(org.rcnn4j.tensor.DType.F32, 1, 1, 25, 34)),
                Var.of(cpu, Tensor.zeros(org.rcnn4j.tensor.DType.F32, 1, 1, 13, 17)));
        float[] s = MultiScaleRoIAlignFunction.scales(feats, List.of(new int[] {800, 1066}, new int[] {790, 1088}));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0.25f, 1f / 32, 1f / 64}, s);
    }

    @Test
    void aBoxWithNegativeAreaPoolsToZeroLikeTorchvisionsUnmatchedLevel() {
        float[] b0 = F.get("boxes0").floats();
        int k0 = b0.length / 4;
        float[] with = new float[b0.length + 4];
        System.arraycopy(b0, 0, with, 0, 12);
        System.arraycopy(new float[] {30, 10, 20, 40}, 0, with, 12, 4); // inverted in x only: area < 0
        System.arraycopy(b0, 12, with, 16, b0.length - 12);
        try (Scope s = Scope.open()) {
            List<Var> feats = new ArrayList<>();
            for (String l : List.of("0", "1", "2", "3")) {
                feats.add(Var.of(cpu, Fx.copy(F.get("feat." + l))));
            }
            Var y = MultiScaleRoIAlignFunction.forward(feats, List.of(Tensor.ofFloats(with, k0 + 1, 4),
                    F.get("boxes1")), Fx.sizes(F.get("image_sizes")), 7, 2);
            float[] got = y.value().floats();
            float[] want = F.get("box.out").floats();
            int row = 2 * 7 * 7;
            for (int i = 0; i < y.shape()[0]; i++) {
                for (int j = 0; j < row; j++) {
                    float expected = i < 3 ? want[i * row + j] : i == 3 ? 0f : want[(i - 1) * row + j];
                    org.junit.jupiter.api.Assertions.assertEquals(expected, got[i * row + j], 1e-6, "row " + i);
                }
            }
        }
    }

    @Test
    void noBoxesGiveAnEmptyOutput() {
        List<Var> feats = List.of(Var.of(cpu, Fx.copy(F.get("feat.0"))), Var.of(cpu, Fx.copy(F.get("feat.1"))));
        Var y = MultiScaleRoIAlignFunction.forward(feats, List.of(Tensor.zeros(org.rcnn4j.tensor.DType.F32, 0, 4)),
                List.of(new int[] {128, 160}), 7, 2);
        org.rcnn4j.testing.TensorAssert.assertShape("empty", y.value(), 0, 2, 7, 7);
    }
}
