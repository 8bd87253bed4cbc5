package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.functional.Rearrange;
import org.rcnn4j.tensor.Tensor;

/** torchvision's RegionProposalNetwork: anchor_generator (no state) and head; settings in {@link RcnnConfig}. */
public final class RegionProposalNetwork extends Block {
    private final AnchorGenerator anchorGenerator;
    private final ProposalHead head;

    /**
     * @param head a Block implementing {@link ProposalHead} ({@link RpnHead} is torchvision's), predicting as many
     *             anchors per location as the generator makes
     */
    public RegionProposalNetwork(AnchorGenerator anchorGenerator, ProposalHead head) {
        if (anchorGenerator == null) {
            throw new IllegalArgumentException("rpn_anchor_generator: must not be null");
        }
        if (head != null && head.anchorsPerLocation() != anchorGenerator.anchorsPerLocation()) {
            throw new IllegalArgumentException("rpn_head: predicts " + head.anchorsPerLocation()
                    + " anchors per location, the anchor generator makes " + anchorGenerator.anchorsPerLocation()
                    + " (sizes per level x aspect ratios)");
        }
        this.anchorGenerator = addBlock("anchor_generator", anchorGenerator);
        this.head = head;
        addBlock("head", Parts.block("rpn_head", head));
    }

    public AnchorGenerator anchorGenerator() {
        return anchorGenerator;
    }

    public ProposalHead head() {
        return head;
    }

    /**
     * The head's predictions over every level, flattened as torchvision's concat_box_prediction_layers: image
     * major, then level, location (row-major) and anchor. {@code objectness} [N * total] logits and
     * {@code deltas} [N * total, 4] are differentiable; {@code anchors} F32 [total, 4] on the backend (the same for
     * every image of the padded batch; the caller closes it).
     */
    public record HeadOutputs(Var objectness, Var deltas, Tensor anchors, int[] anchorsPerLevel, int images) {
        public int anchorsPerImage() {
            return anchors.size(0);
        }
    }

    /** Runs the head on every feature level (each [N, C, H_l, W_l], in level order) and makes the anchors. */
    public HeadOutputs heads(ImageList images, List<Var> features) {
        if (features.size() != anchorGenerator.levels()) {
            throw new IllegalArgumentException("features has " + features.size() + " levels, the anchor generator "
                    + anchorGenerator.levels());
        }
        Backend backend = features.get(0).backend();
        int n = images.imageSizes().length;
        int padH = images.tensors().size(2);
        int padW = images.tensors().size(3);
        int a = anchorGenerator.anchorsPerLocation();
        int levels = features.size();
        int[] perLevel = new int[levels];
        int total = 0;
        for (int l = 0; l < levels; l++) {
            int[] s = features.get(l).shape();
            perLevel[l] = s[2] * s[3] * a;
            total += perLevel[l];
        }
        List<Var> logits = new ArrayList<>(levels);
        List<Var> boxes = new ArrayList<>(levels);
        int[][] sizes = new int[levels][];
        int[] heights = new int[levels];
        int[] widths = new int[levels];
        for (int l = 0; l < levels; l++) {
            int[] s = features.get(l).shape();
            Var[] out = head.forward(features.get(l));
            logits.add(out[0]);
            boxes.add(out[1]);
            sizes[l] = anchorGenerator.sizes(l);
            heights[l] = s[2];
            widths[l] = s[3];
        }
        // every level's anchors in one call, end to end (torchvision's cat of the levels)
        Tensor allAnchors = backend.boxes().anchorsForLevels(sizes, anchorGenerator.aspectRatios(), padH, padW,
                heights, widths);
        Var objectness = Rearrange.gather(logits, flattenIndex(features, a, 1, n, total), n * total);
        Var deltas = Rearrange.gather(boxes, flattenIndex(features, a, 4, n, total), n * total, 4);
        logits.forEach(Var::drop); // in inference (Var.drop): the gathered copies are what follows
        boxes.forEach(Var::drop);
        return new HeadOutputs(objectness, deltas, allAnchors, perLevel, n);
    }

    /**
     * permute_and_flatten's map for predictions with {@code c} numbers per anchor: the output [N, total, c] takes
     * element ((n*A + k)*c + j)*HW + p of level l's [N, A*c, H, W] (levels laid end to end).
     */
    private static int[] flattenIndex(List<Var> features, int a, int c, int n, int total) {
        int[] index = new int[n * total * c];
        int levelBase = 0;
        int anchorOff = 0;
        for (Var f : features) {
            int hw = f.shape()[2] * f.shape()[3];
            for (int img = 0; img < n; img++) {
                for (int p = 0; p < hw; p++) {
                    for (int k = 0; k < a; k++) {
                        int row = img * total + anchorOff + p * a + k;
                        for (int j = 0; j < c; j++) {
                            index[row * c + j] = levelBase + ((img * a + k) * c + j) * hw + p;
                        }
                    }
                }
            }
            levelBase += n * a * c * hw;
            anchorOff += hw * a;
        }
        return index;
    }

    /** The proposals of each image from the (detached) head outputs: decode, per-level top-n, clip, NMS. */
    public List<ProposalFilter.Proposals> proposals(HeadOutputs h, ImageList images, ProposalFilter.Settings s) {
        Backend backend = h.objectness().backend();
        int n = h.images();
        int total = h.anchorsPerImage();
        Tensor obj = h.objectness().value().reshape(n, total);
        Tensor deltas = h.deltas().value().reshape(n, total, 4);
        return ProposalFilter.filter(backend, h.anchors(), deltas, obj, h.anchorsPerLevel(), images.imageSizes(), s);
    }

    /** The proposals of each image (F32 [P_i, 4], detached) and, in training, loss_objectness and loss_rpn_box_reg. */
    public record Output(List<Tensor> proposals, LinkedHashMap<String, Var> losses) {
    }

    /**
     * torchvision's RegionProposalNetwork.forward: with {@code targets} (training) the proposals use the training
     * top-n settings and the losses are computed on anchors sampled with a generator seeded by {@code seed};
     * without, the test settings and no losses. Proposals are on the features' backend; the caller closes them.
     */
    public Output forward(ImageList images, List<Var> features, List<DetectionTargets> targets, RcnnConfig config,
            long seed) {
        HeadOutputs h = heads(images, features);
        try (Tensor anchorsOfHeads = h.anchors()) {
            return forward(images, h, targets, config, seed);
        }
    }

    private Output forward(ImageList images, HeadOutputs h, List<DetectionTargets> targets, RcnnConfig config,
            long seed) {
        boolean training = targets != null;
        ProposalFilter.Settings settings = training ? new ProposalFilter.Settings(config.rpnPreNmsTopNTrain(),
                config.rpnPostNmsTopNTrain(), config.rpnNmsThresh(), config.rpnScoreThresh(), 1e-3f)
                : ProposalFilter.Settings.eval(config);
        List<Tensor> proposals = new ArrayList<>();
        for (ProposalFilter.Proposals p : proposals(h, images, settings)) {
            proposals.add(p.boxes());
            p.scores().close();
        }
        LinkedHashMap<String, Var> losses = new LinkedHashMap<>();
        if (training) {
            if (targets.size() != h.images()) {
                throw new IllegalArgumentException("targets: " + targets.size() + " for " + h.images() + " images");
            }
            Backend backend = h.objectness().backend();
            try (TensorBin bin = new TensorBin()) {
                Tensor deviceAnchors = h.anchors();
                List<Tensor> anchors = new ArrayList<>();
                List<Tensor> gtBoxes = new ArrayList<>();
                for (DetectionTargets t : targets) {
                    anchors.add(deviceAnchors);
                    gtBoxes.add(t.boxes());
                }
                RpnTargets rt = RpnTargets.assign(backend, anchors, gtBoxes,
                        new Matcher(config.rpnFgIouThresh(), config.rpnBgIouThresh(), true));
                bin.addAll(rt.labels());
                bin.addAll(rt.matchedGtBoxes());
                bin.addAll(rt.regressionTargets());
                List<SampledIndices> samples = new BalancedPositiveNegativeSampler(config.rpnBatchSizePerImage(),
                        config.rpnPositiveFraction(), seed).sample(backend, rt.labels());
                RpnLoss.Result r = RpnLoss.compute(h.objectness(), h.deltas(), rt.labels(), rt.regressionTargets(),
                        samples);
                losses.put("loss_objectness", r.objectness());
                losses.put("loss_rpn_box_reg", r.boxReg());
            }
        }
        h.objectness().drop(); // in inference (Var.drop); in training the losses' graph holds them
        h.deltas().drop();
        return new Output(proposals, losses);
    }
}
