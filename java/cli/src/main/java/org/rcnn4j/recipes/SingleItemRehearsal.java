package org.rcnn4j.recipes;

import java.util.List;
import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.classic.SingleObjectStream;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.detection.RoiHeads;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.nn.BatchNorm2d;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.train.TrainRng;
import org.rcnn4j.train.TrainStep;

/**
 * Rehearses {@link BackbonePretraining}'s task while the detector trains, so the box head keeps naming items as
 * pretraining taught it: each detector step also classifies a few new one-item scenes (pretraining's scenes,
 * mirroring and jittered box copies) through the backbone, box_roi_pool, box_head and box_predictor.cls_score, and
 * adds their cross-entropy, weighted, as {@value #LOSS}. Without it the detector forgets: trained maskrcnn_small
 * named isolated held-out items on their own boxes 72..81% right (by size; tools/IsolatedItemNaming.java), where
 * pretraining's box head had named 83..85%; with it 78..83%.
 *
 * <p>The backbone's batch norms normalize these small scenes by their own statistics but leave the running ones to
 * the detector's scenes, which evaluation normalizes by. The weight scales the task's step: at weight 1 with the
 * detector's learning rate (0.04) the loss diverged within 300 steps, as pretraining's box head did at lr 0.05.
 */
public final class SingleItemRehearsal implements TrainStep {
    public static final String LOSS = "loss_rehearsal";

    private final SmallBackbone backbone;
    private final RoiHeads heads;
    private final Backend backend;
    private final SingleObjectStream items;
    private final int size;
    private final int batch;
    private final double weight;
    private final List<BatchNorm2d> norms;

    /**
     * {@code batch} one-item scenes of {@code size} px a step from the training split, the k-th step's depending only
     * on (seed, k); the backbone and heads must be bound to {@code backend}.
     */
    public SingleItemRehearsal(SmallBackbone backbone, RoiHeads heads, Backend backend, int size, int batch,
            double weight, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("rehearsal batch must be >= 1, got " + batch);
        }
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("rehearsal weight must be a positive number, got " + weight);
        }
        this.backbone = backbone;
        this.heads = heads;
        this.backend = backend;
        this.size = size;
        this.batch = batch;
        this.weight = weight;
        // another seed than pretraining's stream, so the rehearsal shows new scenes
        this.items = new SingleObjectStream(FashionMnist.Split.TRAIN, size, seed ^ 0x5EED_4E4EL);
        this.norms = backbone.namedModules().values().stream().filter(BatchNorm2d.class::isInstance)
                .map(BatchNorm2d.class::cast).toList();
    }

    @Override
    public Map<String, Var> losses(long step, TrainRng rng) {
        SingleObjectStream.Batch b = items.batchAt(step, batch);
        int n = b.labels().length;
        float[] images = b.images();
        float[] boxes = b.boxes();
        BackbonePretraining.mirrorHalf(images, boxes, n, size, rng);
        boxes = BackbonePretraining.withJitteredCopies(boxes, n, size, rng);
        boolean[] tracked = new boolean[norms.size()];
        for (int i = 0; i < tracked.length; i++) {
            tracked[i] = norms.get(i).trackRunningStats();
            norms.get(i).trackRunningStats(false);
        }
        Var logits;
        try {
            logits = BackbonePretraining.logits(backbone, heads, null, backend, images, boxes, n, size).box();
        } finally {
            for (int i = 0; i < tracked.length; i++) {
                norms.get(i).trackRunningStats(tracked[i]);
            }
        }
        return Map.of(LOSS, TensorMath.mul(BackbonePretraining.boxLoss(logits, b.labels(), backend), weight));
    }
}
