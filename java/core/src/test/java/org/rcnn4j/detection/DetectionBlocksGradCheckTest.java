package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.BlockGradCheck.random;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.backbone.Bottleneck;
import org.rcnn4j.detection.backbone.FeaturePyramidNetwork;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.BlockGradCheck;

/**
 * The detectors' building blocks pass float64 finite-difference gradient checks through their Var forwards
 * (inputs and a sample of every parameter's elements), bound with F64 values.
 */
class DetectionBlocksGradCheckTest {

    private static void check(String what, Block m, Tensor input) {
        assertTrue(BlockGradCheck.of(what, m, v -> List.of(((Layer) m).forward(v[0])), input).run() > 0);
    }

    /** Random values for the F32 entries (norm statistics included; variances positive). */
    private static void randomize(Block m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        m.stateEntries().forEach((k, e) -> {
            if (e.dtype() == DType.F32 && (k.contains("bn") || k.contains("downsample.1"))) {
                float[] f = new float[e.numel()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = k.endsWith("var") ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() * 2 - 1);
                }
                e.set(Tensor.ofFloats(f, e.shape()));
            }
        });
    }

    @Test
    void bottleneckFrozenWithDownsample() {
        Bottleneck b = new Bottleneck(4, 2, 2, Norm.FROZEN);
        b.initialize(1);
        randomize(b, 1);
        check("Bottleneck frozen stride 2 + downsample", b, random(1, 1, 4, 5, 5));
    }

    @Test
    void bottleneckBatchNormTrainAndEval() {
        Bottleneck b = new Bottleneck(8, 2, 1, Norm.BATCH);
        b.initialize(2);
        randomize(b, 2);
        b.train(true);
        check("Bottleneck batch-norm train, identity shortcut", b, random(2, 2, 8, 3, 3));
        b.eval();
        check("Bottleneck batch-norm eval", b, random(3, 2, 8, 3, 3));
    }

    @Test
    void featurePyramidNetwork() {
        FeaturePyramidNetwork fpn = new FeaturePyramidNetwork(new int[] {3, 4, 5}, 2);
        fpn.initialize(4);
        int n = BlockGradCheck.of("FeaturePyramidNetwork 3 levels + pool", fpn, v -> {
            LinkedHashMap<String, Var> in = new LinkedHashMap<>();
            in.put("0", v[0]);
            in.put("1", v[1]);
            in.put("2", v[2]);
            return new ArrayList<>(fpn.forward(in).values());
        }, random(4, 1, 3, 8, 7), random(5, 1, 4, 4, 4), random(6, 1, 5, 2, 2)).run();
        assertTrue(n > 0);
    }

    @Test
    void rpnHead() {
        RpnHead h = new RpnHead(4, 3);
        h.initialize(7);
        assertTrue(BlockGradCheck.of("RpnHead", h, v -> List.of(h.forward(v[0])), random(7, 2, 4, 4, 3)).run() > 0);
    }

    @Test
    void boxHeadAndPredictor() {
        TwoMlpHead head = new TwoMlpHead(2 * 3 * 3, 8);
        head.initialize(8);
        assertTrue(BlockGradCheck.of("TwoMlpHead", head, v -> List.of(head.forward(v[0])), random(8, 4, 2, 3, 3))
                .run() > 0);
        FastRcnnPredictor p = new FastRcnnPredictor(8, 3);
        p.initialize(9);
        assertTrue(BlockGradCheck.of("FastRcnnPredictor", p, v -> List.of(p.forward(v[0])), random(9, 4, 8))
                .run() > 0);
        assertTrue(BlockGradCheck.of("FastRcnnPredictor on [K, C, 1, 1]", p, v -> List.of(p.forward(v[0])),
                random(10, 3, 8, 1, 1)).run() > 0);
    }

    @Test
    void maskHeadsAndPredictor() {
        MaskRcnnHeads heads = new MaskRcnnHeads(3, new int[] {4, 4});
        heads.initialize(11);
        check("MaskRcnnHeads", heads, random(11, 2, 3, 5, 5));
        MaskRcnnPredictor p = new MaskRcnnPredictor(4, 3, 2);
        p.initialize(12);
        check("MaskRcnnPredictor", p, random(12, 2, 4, 3, 3));
    }

    @Test
    void smallBackbone() {
        SmallBackbone b = new SmallBackbone(8);
        b.initialize(13);
        // 32x32 input: taps at 4x4 and 2x2, pool at 1x1; a sample of each parameter's elements
        int n = BlockGradCheck.of("SmallBackbone", b, v -> new ArrayList<>(b.forward(v[0]).values()),
                random(13, 1, 3, 32, 32)).samples(3).run();
        assertTrue(n > 0);
    }
}
