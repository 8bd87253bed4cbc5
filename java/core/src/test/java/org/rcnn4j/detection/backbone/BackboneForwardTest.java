package org.rcnn4j.detection.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.FrozenBatchNorm2d;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.Inference;
import org.rcnn4j.testing.TensorAssert;

/** Small torchvision Bottleneck and FPN (fixtures/backbone_forward, gen_backbone_forward.py) run on the CPU. */
class BackboneForwardTest {
    private static final Map<String, Tensor> FX = Fixtures.load("backbone_forward");

    private static Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        FX.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    @Test
    void bottleneckWithDownsampleMatchesTorchvision() {
        Bottleneck block = new Bottleneck(8, 4, 2, Norm.FROZEN);
        Block.LoadResult r = block.loadStateDict(withPrefix("block."), true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        FrozenBatchNorm2d.overwriteEps(block, 0f);
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, block)) {
            TensorAssert.assertClose("block", FX.get("block_output"), block.forward(run.input(FX.get("block_input")))
                    .value(), TensorAssert.FORWARD);
        }
    }

    @Test
    void fpnWithLastLevelMaxPoolMatchesTorchvision() {
        FeaturePyramidNetwork fpn = new FeaturePyramidNetwork(new int[] {4, 8, 16}, 6);
        fpn.loadStateDict(withPrefix("fpn."), true);
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, fpn)) {
            Map<String, Var> in = new LinkedHashMap<>();
            for (String k : List.of("0", "1", "2")) {
                in.put(k, run.input(FX.get("fpn_input_" + k)));
            }
            Map<String, Var> out = fpn.forward(in);
            assertEquals(List.of("0", "1", "2", "pool"), List.copyOf(out.keySet()));
            out.forEach((k, v) -> TensorAssert.assertClose("P" + k, FX.get("fpn_output_" + k), v.value(),
                    TensorAssert.FORWARD));
        }
    }

    /** The full ResNet-50-FPN backbone runs end to end: five 256-channel maps at strides 4, 8, 16, 32, 64. */
    @Test
    void resnet50FpnBackboneGivesTheFiveLevels() {
        BackboneWithFpn backbone = (BackboneWithFpn) Models.fasterrcnnResnet50Fpn(ModelOptions.defaults()).backbone();
        backbone.initialize(11);
        Tensor image = randomImage(64, 96);
        try (Backend cpu = new CpuBackend(); Inference run = Inference.on(cpu, backbone)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            backbone.forward(run.input(image)).forEach((k, v) -> out.put(k, v.value()));
            assertEquals(List.of("0", "1", "2", "3", "pool"), List.copyOf(out.keySet()));
            int[][] hw = {{16, 24}, {8, 12}, {4, 6}, {2, 3}, {1, 2}};
            int i = 0;
            for (Tensor t : out.values()) {
                assertArrayEquals(new int[] {1, 256, hw[i][0], hw[i][1]}, t.shape());
                for (float v : t.floats()) {
                    assertTrue(Float.isFinite(v));
                }
                i++;
            }
        }
    }

    private static Tensor randomImage(int h, int w) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        float[] d = new float[3 * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return Tensor.ofFloats(d, 1, 3, h, w);
    }
}
