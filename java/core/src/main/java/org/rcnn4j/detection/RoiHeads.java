package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's RoIHeads: box_roi_pool, box_head, box_predictor, and for Mask R-CNN mask_roi_pool, mask_head,
 * mask_predictor (in that order).
 */
public final class RoiHeads extends Block {
    private final MultiScaleRoIAlign boxRoiPool;
    private final MultiScaleRoIAlign maskRoiPool;
    private final BoxHead boxHead;
    private final BoxPredictor boxPredictor;
    private final MaskHead maskHead;
    private final MaskPredictor maskPredictor;

    /**
     * The heads, each a Block implementing its interface ({@link TwoMlpHead}, {@link FastRcnnPredictor},
     * {@link MaskRcnnHeads} and {@link MaskRcnnPredictor} are torchvision's); the three mask parts all null for
     * Faster R-CNN. The detector builders ({@link FasterRcnn}, {@link MaskRcnn}) also check the parts' sizes
     * against each other and the backbone.
     */
    public RoiHeads(MultiScaleRoIAlign boxRoiPool, BoxHead boxHead, BoxPredictor boxPredictor,
            MultiScaleRoIAlign maskRoiPool, MaskHead maskHead, MaskPredictor maskPredictor) {
        this.boxRoiPool = addBlock("box_roi_pool", (MultiScaleRoIAlign) Parts.block("box_roi_pool", boxRoiPool));
        this.maskRoiPool = maskHead != null ? maskRoiPool : null;
        this.boxHead = boxHead;
        addBlock("box_head", Parts.block("box_head", boxHead));
        this.boxPredictor = boxPredictor;
        addBlock("box_predictor", Parts.block("box_predictor", boxPredictor));
        if (maskHead != null || maskRoiPool != null || maskPredictor != null) {
            addBlock("mask_roi_pool", Parts.block("mask_roi_pool", maskRoiPool));
            this.maskHead = maskHead;
            addBlock("mask_head", Parts.block("mask_head", maskHead));
            this.maskPredictor = maskPredictor;
            addBlock("mask_predictor", Parts.block("mask_predictor", maskPredictor));
        } else {
            this.maskHead = null;
            this.maskPredictor = null;
        }
    }

    /** Per image detections in the resized image (eval) or the losses (training); see {@link #forward}. */
    public record Output(List<Detections> detections, List<Tensor> maskProbabilities, LinkedHashMap<String, Var> losses) {
    }

    /**
     * torchvision's RoIHeads.forward. Training ({@code targets} given): proposals plus ground truth, matched and
     * sampled (generator seeded by {@code seed}), pooled, classified; loss_classifier and loss_box_reg, and for
     * Mask R-CNN loss_mask on the positives. Eval: postprocess_detections, then the masks of the detections as
     * probabilities [D_i, 1, M, M]. Returned tensors are on the features' backend; the caller closes them.
     */
    public Output forward(Map<String, Var> features, List<Tensor> proposals, List<int[]> imageSizes,
            List<DetectionTargets> targets, RcnnConfig config, long seed) {
        Backend backend = features.values().iterator().next().backend();
        if (targets == null) {
            return infer(backend, features, proposals, imageSizes, config);
        }
        LinkedHashMap<String, Var> losses = new LinkedHashMap<>();
        try (TensorBin bin = new TensorBin()) {
            List<Tensor> gtBoxes = new ArrayList<>();
            List<Tensor> gtLabels = new ArrayList<>();
            List<Tensor> gtMasks = new ArrayList<>();
            for (DetectionTargets t : targets) {
                gtBoxes.add(t.boxes());
                gtLabels.add(t.labels());
                gtMasks.add(t.masks());
            }
            BalancedPositiveNegativeSampler sampler = new BalancedPositiveNegativeSampler(
                    config.boxBatchSizePerImage(), config.boxPositiveFraction(), seed);
            RoiTargets rt = RoiTargets.select(backend, proposals, gtBoxes, gtLabels, sampler,
                    new Matcher(config.boxFgIouThresh(), config.boxBgIouThresh(), false), config.bboxRegWeights());
            bin.addAll(rt.proposals());
            bin.addAll(rt.matchedIdxs());
            bin.addAll(rt.labels());
            bin.addAll(rt.regressionTargets());
            Var[] pred = boxPredictor.forward(boxHead.forward(pool(boxRoiPool, features, rt.proposals(),
                    imageSizes)));
            FastRcnnLoss.Result r = FastRcnnLoss.compute(pred[0], pred[1], rt.labels(), rt.regressionTargets());
            losses.put("loss_classifier", r.classifier());
            losses.put("loss_box_reg", r.boxReg());
            if (hasMasks()) {
                RoiTargets.Positives pos = rt.positives(backend);
                bin.addAll(pos.proposals());
                bin.addAll(pos.matchedIdxs());
                int count = 0;
                for (long[] idx : pos.indices()) {
                    count += idx.length;
                }
                if (count == 0) {
                    // torchvision: mask_logits.sum() * 0, a zero that still belongs to the graph
                    losses.put("loss_mask", TensorMath.mul(TensorMath.sum(pred[0]), 0.0));
                } else {
                    Var logits = maskLogits(features, pos.proposals(), imageSizes);
                    losses.put("loss_mask", MaskRcnnLoss.compute(logits, pos.proposals(), gtMasks, gtLabels,
                            pos.matchedIdxs()));
                }
            }
        }
        return new Output(List.of(), List.of(), losses);
    }

    private Output infer(Backend backend, Map<String, Var> features, List<Tensor> proposals, List<int[]> imageSizes,
            RcnnConfig config) {
        List<Detections> dets = BoxRefinement.detect(backend, boxes -> boxPass(features, boxes, imageSizes),
                boxPass(features, proposals, imageSizes), proposals, imageSizes, config);
        List<Tensor> masks = List.of();
        if (hasMasks()) {
            List<Tensor> boxes = new ArrayList<>();
            List<Tensor> labels = new ArrayList<>();
            int count = 0;
            for (Detections d : dets) {
                boxes.add(d.boxes());
                labels.add(d.labels());
                count += d.boxes().shape()[0];
            }
            if (count > 0) {
                Var logits = maskLogits(features, boxes, imageSizes);
                masks = MaskInference.probabilities(backend, logits.value(), labels);
                logits.drop();
            } else {
                masks = new ArrayList<>();
                int m = 2 * maskRoiPool.outputSize();
                for (int i = 0; i < dets.size(); i++) {
                    masks.add(backend.toDevice(Tensor.zeros(org.rcnn4j.tensor.DType.F32, 0, 1, m, m)));
                }
            }
        }
        return new Output(dets, masks, new LinkedHashMap<>());
    }

    /** Inference's class logits and box regression of per-image boxes; each stage's input goes once it has run. */
    private Var[] boxPass(Map<String, Var> features, List<Tensor> boxes, List<int[]> imageSizes) {
        Var pooled = pool(boxRoiPool, features, boxes, imageSizes);
        Var head = boxHead.forward(pooled);
        pooled.drop();
        Var[] pred = boxPredictor.forward(head);
        head.drop();
        return pred;
    }

    /**
     * Class logits [K, num_classes] of the given boxes (per image, in the features' image coordinates): box_roi_pool,
     * box_head and box_predictor's cls_score, as in training but without sampling. Used to pretrain the box head.
     */
    public Var classLogits(Map<String, Var> features, List<Tensor> boxes, List<int[]> imageSizes) {
        return boxPredictor.forward(boxHead.forward(pool(boxRoiPool, features, boxes, imageSizes)))[0];
    }

    private Var maskLogits(Map<String, Var> features, List<Tensor> boxes, List<int[]> imageSizes) {
        Var pooled = pool(maskRoiPool, features, boxes, imageSizes);
        Var head = maskHead.forward(pooled);
        pooled.drop(); // in inference (Var.drop)
        Var logits = maskPredictor.forward(head);
        head.drop();
        return logits;
    }

    private static Var pool(MultiScaleRoIAlign pooler, Map<String, Var> features, List<Tensor> boxes,
            List<int[]> imageSizes) {
        List<Var> levels = new ArrayList<>();
        features.forEach((name, v) -> {
            if (pooler.featureNames().contains(name)) {
                levels.add(v);
            }
        });
        return MultiScaleRoIAlignFunction.forward(levels, boxes, imageSizes, pooler.outputSize(),
                pooler.samplingRatio());
    }

    public MultiScaleRoIAlign boxRoiPool() {
        return boxRoiPool;
    }

    public BoxHead boxHead() {
        return boxHead;
    }

    public BoxPredictor boxPredictor() {
        return boxPredictor;
    }

    public boolean hasMasks() {
        return maskHead != null;
    }

    /** The mask RoI pool, or null for Faster R-CNN. */
    public MultiScaleRoIAlign maskRoiPool() {
        return maskRoiPool;
    }

    /** The mask head, or null for Faster R-CNN. */
    public MaskHead maskHead() {
        return maskHead;
    }

    /** The mask predictor, or null for Faster R-CNN. */
    public MaskPredictor maskPredictor() {
        return maskPredictor;
    }

    @Override
    public String typeName() {
        return "RoIHeads";
    }
}
