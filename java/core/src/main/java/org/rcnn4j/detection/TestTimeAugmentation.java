package org.rcnn4j.detection;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * Test-time augmentation: a trained detector run on each image at several scales, each also mirrored left to right
 * when {@code flip}, and the views' detections fused into one list by weighted boxes fusion (Solovyev, Wang and
 * Gabruseva, 2019), as Detectron2's and MMDetection's test-time augmentation run a detector on rescaled and flipped
 * copies of an image. A scale s runs the model with its transform's min_size and max_size times s; each view costs
 * one inference (about s² of one at scale 1).
 *
 * <p>Fusion, per image: the views' detections, by decreasing score, each join the cluster of their label whose
 * fused box they overlap most at IoU above {@code fusionIou}, or start one. A cluster's box is its members'
 * score-weighted mean, its score their sum over the number of views (a detection one view of four finds alone keeps
 * a quarter of its score), its mask the score-weighted mean of the members' masks. The model's box_nms_thresh and
 * box_detections_per_img then apply to the fused detections as to one view's.
 *
 * <p>On the demo's held-out scenes (docs/demo-tuning-history.md), flips at scales 0.875, 1 and 1.25 raised box AP50
 * by 0.038..0.068 and mask AP50 by 0.055..0.087 over the plain detector, on each of four seeds' models.
 *
 * <p>Each scale sets the model's transform sizes for its views and restores them after: do not run other calls on
 * the same model meanwhile ({@link org.rcnn4j.detector.Detector} holds its lock).
 *
 * @param scales    the scales, each in (0, 4], no two equal; 1 is the model as it is
 * @param flip      also run every scale on the mirrored image
 * @param fusionIou the IoU above which a detection joins a cluster, in (0, 1); {@link #FUSION_IOU} by default
 */
public record TestTimeAugmentation(List<Double> scales, boolean flip, float fusionIou) implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * The IoU from which a detection joins a cluster. The weighted boxes fusion paper's 0.55 and 0.6 differ little:
     * on the demo's validation scenes (training items in new scenes; seeds 0..3's models, flips at scales 1 and
     * 1.25) 0.6 scored box AP50 0.003 higher on the mean (-0.001..+0.006 per seed); 0.65 was no higher on any
     * seed, and 0.5 and 0.7 were lower on seed 0's held-out scenes.
     */
    public static final float FUSION_IOU = 0.6f;
    /** The largest scale: a photo resized to 4 times the model's size already needs 16 times its memory. */
    public static final double MAX_SCALE = 4;

    public TestTimeAugmentation {
        if (scales == null || scales.isEmpty()) {
            throw new IllegalArgumentException("scales: expected at least one scale, got " + scales);
        }
        for (Double s : scales) {
            if (s == null || !(s > 0 && s <= MAX_SCALE)) {
                throw new IllegalArgumentException("scales: expected each in (0, " + MAX_SCALE + "], got " + scales);
            }
        }
        scales = List.copyOf(scales);
        if (new HashSet<>(scales).size() != scales.size()) {
            throw new IllegalArgumentException("scales: expected no scale twice, got " + scales);
        }
        if (!(fusionIou > 0 && fusionIou < 1)) {
            throw new IllegalArgumentException("fusionIou: expected a value in (0, 1), got " + fusionIou);
        }
    }

    /** The image and its mirror at the model's own size. */
    public static TestTimeAugmentation flips() {
        return of(true, 1.0);
    }

    /** The given scales, mirrored too when {@code flip}, fused at {@link #FUSION_IOU}. */
    public static TestTimeAugmentation of(boolean flip, double... scales) {
        List<Double> list = new ArrayList<>();
        for (double s : scales) {
            list.add(s);
        }
        return new TestTimeAugmentation(list, flip, FUSION_IOU);
    }

    /**
     * Flips at the comma-separated scales of {@code list}, e.g. {@code "1,1.25"}: the form the command-line tools
     * take.
     *
     * @throws IllegalArgumentException naming "scales", for anything else
     */
    public static TestTimeAugmentation flipsAt(String list) {
        if (list == null) {
            throw new IllegalArgumentException("scales: expected numbers separated by commas, got null");
        }
        List<Double> scales = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            try {
                scales.add(Double.parseDouble(s.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("scales: expected numbers separated by commas, got '" + list
                        + "'");
            }
        }
        return new TestTimeAugmentation(scales, true, FUSION_IOU);
    }

    /** Inferences per image: the scales, twice with flips. */
    public int views() {
        return scales.size() * (flip ? 2 : 1);
    }

    /**
     * {@link GeneralizedRcnn#detect(List, MaskOutput)} of the fused views: detections in each image's own pixels,
     * by decreasing score, masks as {@code masks} asks (made from the fused probabilities).
     */
    public List<ImageDetections> detect(GeneralizedRcnn model, List<Tensor> images, MaskOutput masks) {
        if (model == null) {
            throw new IllegalArgumentException("model: expected a detector, got null");
        }
        if (masks == null) {
            throw new IllegalArgumentException("masks: expected a MaskOutput, got null");
        }
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("images: expected at least one image");
        }
        List<List<WeightedBoxFusion.Candidate>> candidates = new ArrayList<>();
        images.forEach(i -> candidates.add(new ArrayList<>()));
        RcnnConfig own = model.config();
        try {
            for (double s : scales) {
                model.setTransformSizes(scaled(own.minSize(), s), scaled(own.maxSize(), s));
                ViewDetections.collect(model, images, false, candidates);
                if (flip) {
                    ViewDetections.collect(model, images, true, candidates);
                }
            }
        } finally {
            model.setTransformSizes(own.minSize(), own.maxSize());
        }
        List<ImageDetections> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            List<WeightedBoxFusion.Fused> fused = WeightedBoxFusion.fuse(candidates.get(i), views(), fusionIou);
            out.add(FusedDetections.of(model, kept(model.backend(), fused, own), images.get(i), masks));
        }
        return out;
    }

    private static int scaled(int size, double scale) {
        return (int) Math.max(1, Math.round(size * scale));
    }

    /** The model's per-class NMS and its best box_detections_per_img of the fused detections. */
    private static List<WeightedBoxFusion.Fused> kept(Backend backend, List<WeightedBoxFusion.Fused> fused,
            RcnnConfig config) {
        int n = fused.size();
        if (n == 0) {
            return fused;
        }
        WeightedBoxFusion.Rows rows = WeightedBoxFusion.Rows.of(fused);
        long[] keep;
        try (Tensor b = backend.toDevice(Tensor.ofFloats(rows.boxes(), n, 4)); Tensor s = backend.toDevice(
                Tensor.ofFloats(rows.scores(), n)); Tensor l = backend.toDevice(Tensor.ofLongs(rows.labels(), n));
                Tensor k = backend.boxes().batchedNms(b, s, l, config.boxNmsThresh())) {
            keep = backend.toHost(k).longs();
        }
        List<WeightedBoxFusion.Fused> out = new ArrayList<>();
        for (int k = 0; k < keep.length && k < config.boxDetectionsPerImg(); k++) {
            out.add(fused.get((int) keep[k]));
        }
        return out;
    }
}
