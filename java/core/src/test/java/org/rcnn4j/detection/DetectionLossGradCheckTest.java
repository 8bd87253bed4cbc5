package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rcnn4j.testing.BlockGradCheck.random;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.nn.Block;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.BlockGradCheck;

/**
 * The detection losses end to end in float64: RPN head -> anchor flattening (Rearrange) -> RPN targets, sampler,
 * loss_objectness and loss_rpn_box_reg; box head -> predictor -> loss_classifier and loss_box_reg; mask head ->
 * predictor -> loss_mask. Gradients w.r.t. the feature inputs and every head parameter match finite differences
 * (the matching and sampling are piecewise constant: fixed under the tiny perturbations).
 */
class DetectionLossGradCheckTest {

    /** The heads of a tiny detector (4 channels, 3 classes) in one module tree. */
    static final class Heads extends Block {
        final RegionProposalNetwork rpn = addBlock("rpn", new RegionProposalNetwork(new AnchorGenerator(
                new int[][] {{16}}, AnchorGenerator.FPN_ASPECT_RATIOS), new RpnHead(4, 3)));
        final TwoMlpHead boxHead = addBlock("box_head", new TwoMlpHead(4 * 3 * 3, 8));
        final FastRcnnPredictor boxPredictor = addBlock("box_predictor", new FastRcnnPredictor(8, 3));
        final MaskRcnnHeads maskHead = addBlock("mask_head", new MaskRcnnHeads(4, new int[] {4}));
        final MaskRcnnPredictor maskPredictor = addBlock("mask_predictor", new MaskRcnnPredictor(4, 4, 3));
    }

    @Test
    void rpnBoxAndMaskLosses() {
        CpuBackend cpu = new CpuBackend();
        Heads h = new Heads();
        h.initialize(3);
        ImageList images = new ImageList(Tensor.zeros(DType.F32, 1, 3, 64, 64), new int[][] {{64, 64}});
        Tensor gtBoxes = Tensor.ofFloats(new float[] {8, 10, 40, 36, 30, 4, 60, 50}, 2, 4);
        // the box branch's sampled RoIs: labels (with background) and regression targets
        Tensor roiLabels = Tensor.ofLongs(new long[] {1, 0, 2, 2, 0}, 5);
        Tensor roiTargets = Tensor.ofFloats(floats(new Random(4), 20, 0.5), 5, 4);
        // the mask branch: 3 positive proposals matched to the two ground-truth masks
        Tensor positives = Tensor.ofFloats(new float[] {6, 8, 42, 38, 10, 12, 38, 34, 28, 2, 62, 52}, 3, 4);
        byte[] m = new byte[2 * 64 * 64];
        for (int y = 12; y < 34; y++) {
            for (int x = 10; x < 38; x++) {
                m[y * 64 + x] = 1;
            }
        }
        for (int y = 6; y < 48; y++) {
            for (int x = 35; x < 58; x++) {
                m[64 * 64 + y * 64 + x] = 1;
            }
        }
        Tensor gtMasks = Tensor.ofBytes(m, 2, 64, 64);
        Tensor gtLabels = Tensor.ofLongs(new long[] {1, 2}, 2);
        Tensor matched = Tensor.ofLongs(new long[] {0, 0, 1}, 3);
        int n = BlockGradCheck.of("detection losses", h, v -> {
            List<Var> losses = new ArrayList<>();
            RegionProposalNetwork.HeadOutputs ho = h.rpn.heads(images, List.of(v[0]));
            try (RpnTargets rt = RpnTargets.assign(cpu, List.of(ho.anchors()), List.of(gtBoxes))) {
                var samples = new BalancedPositiveNegativeSampler(32, 0.5, 9).sample(cpu, rt.labels());
                RpnLoss.Result r = RpnLoss.compute(ho.objectness(), ho.deltas(), rt.labels(), rt.regressionTargets(),
                        samples);
                losses.add(r.objectness());
                losses.add(r.boxReg());
            }
            Var[] pred = h.boxPredictor.forward(h.boxHead.forward(v[1]));
            FastRcnnLoss.Result f = FastRcnnLoss.compute(pred[0], pred[1], List.of(roiLabels), List.of(roiTargets));
            losses.add(f.classifier());
            losses.add(f.boxReg());
            Var logits = h.maskPredictor.forward(h.maskHead.forward(v[2]));
            losses.add(MaskRcnnLoss.compute(logits, List.of(positives), List.of(gtMasks), List.of(gtLabels),
                    List.of(matched)));
            return losses;
        }, random(1, 1, 4, 8, 8), random(2, 5, 4, 3, 3), random(3, 3, 4, 3, 3)).samples(8).run();
        assertTrue(n > 0);
    }

    private static float[] floats(Random r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * scale);
        }
        return f;
    }
}
