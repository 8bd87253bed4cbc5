package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * RoIHeads.select_training_samples, split where the random draw happens: {@link #addGtProposals},
 * {@link #assign} (matcher 0.5 / 0.5, labels from the matched ground truth, 0 background, -1 between
 * thresholds), then {@link #select} with the sampled indices (from a {@link BalancedPositiveNegativeSampler} or
 * given). An image without ground truth: every proposal background, matched index 0, and its regression targets
 * encoded against a zero box [0,0,0,0] (torchvision's stand-in), so they hold -inf; they are never used.
 *
 * @param proposals         per image the sampled proposals [S_i,4] (ascending proposal index)
 * @param matchedIdxs       per image I64 [S_i] matched ground-truth index (0 for background)
 * @param labels            per image I64 [S_i] class labels (0 background)
 * @param regressionTargets per image [S_i,4], BoxCoder weights 10,10,5,5
 */
public record RoiTargets(List<Tensor> proposals, List<Tensor> matchedIdxs, List<Tensor> labels,
        List<Tensor> regressionTargets) implements AutoCloseable {

    /** Closes every tensor (device memory on the CUDA backend). */
    @Override
    public void close() {
        Host.closeAll(proposals, matchedIdxs, labels, regressionTargets);
    }

    /** Per image matched ground-truth index (clamped at 0) and label, I64 [P_i] each. */
    public record Assignment(List<Tensor> matchedIdxs, List<Tensor> labels) implements AutoCloseable {
        @Override
        public void close() {
            Host.closeAll(matchedIdxs, labels);
        }
    }

    /**
     * The mask branch's inputs in training (RoIHeads.forward): per image the positive (label &gt; 0) sampled
     * proposals, their matched ground-truth indices, and their positions among the image's sampled RoIs.
     */
    public record Positives(List<Tensor> proposals, List<Tensor> matchedIdxs, List<long[]> indices)
            implements AutoCloseable {
        @Override
        public void close() {
            Host.closeAll(proposals, matchedIdxs);
        }
    }

    /** This sample's positives, for {@link MaskRcnnLoss#compute} (new tensors on {@code backend}). */
    public Positives positives(Backend backend) {
        List<Tensor> props = new ArrayList<>();
        List<Tensor> matched = new ArrayList<>();
        List<long[]> indices = new ArrayList<>();
        int images = labels.size();
        List<Tensor> host = Host.hostAll(backend, Host.concat(labels, matchedIdxs)); // read only when not known
        for (int i = 0; i < images; i++) {
            long[] l = Host.longs(backend, host.get(i));
            long[] m = Host.longs(backend, host.get(images + i));
            int n = 0;
            for (long x : l) {
                n += x > 0 ? 1 : 0;
            }
            long[] pos = new long[n];
            long[] pm = new long[n];
            for (int j = 0, k = 0; j < l.length; j++) {
                if (l[j] > 0) {
                    pm[k] = m[j];
                    pos[k++] = j;
                }
            }
            props.add(Host.rowsOn(backend, proposals.get(i), pos, DType.F32)); // picked where they are
            matched.add(Host.longsOn(backend, pm, n));
            indices.add(pos);
        }
        return new Positives(props, matched, indices);
    }

    /** add_gt_proposals: each image's proposals followed by its ground-truth boxes. */
    public static List<Tensor> addGtProposals(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes) {
        Host.sameSize("proposals", proposals, "gt_boxes", gtBoxes);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < proposals.size(); i++) {
            Host.rowsOf(proposals.get(i), "proposals");
            Host.rowsOf(gtBoxes.get(i), "gt_boxes");
        }
        int images = proposals.size();
        if (allF32(proposals) && allF32(gtBoxes)) {
            // concatenated where they are (no host copy)
            try {
                for (int i = 0; i < images; i++) {
                    out.add(backend.select().catRows(List.of(proposals.get(i), gtBoxes.get(i))));
                }
            } catch (RuntimeException e) {
                Host.closeAll(out);
                throw e;
            }
            return out;
        }
        List<Tensor> host = Host.hostAll(backend, Host.concat(proposals, gtBoxes)); // one read for all images
        for (int i = 0; i < images; i++) {
            int p = Host.rowsOf(proposals.get(i), "proposals");
            int g = Host.rowsOf(gtBoxes.get(i), "gt_boxes");
            float[] all = new float[4 * (p + g)];
            System.arraycopy(Host.floats(backend, host.get(i)), 0, all, 0, 4 * p);
            System.arraycopy(Host.floats(backend, host.get(images + i)), 0, all, 4 * p, 4 * g);
            out.add(Host.floatsOn(backend, all, p + g, 4));
        }
        return out;
    }

    private static boolean allF32(List<Tensor> ts) {
        return ts.stream().allMatch(t -> t.dtype() == DType.F32);
    }

    /** assign_targets_to_proposals with torchvision's RoIHeads matcher. */
    public static Assignment assign(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes,
            List<Tensor> gtLabels) {
        return assign(backend, proposals, gtBoxes, gtLabels, Matcher.roiHeads());
    }

    public static Assignment assign(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes,
            List<Tensor> gtLabels, Matcher matcher) {
        Host.sameSize("proposals", proposals, "gt_boxes", gtBoxes);
        Host.sameSize("gt_boxes", gtBoxes, "gt_labels", gtLabels);
        List<Tensor> matched = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        int images = proposals.size();
        for (int i = 0; i < images; i++) {
            int g = Host.rowsOf(gtBoxes.get(i), "gt_boxes");
            Host.rowsOf(proposals.get(i), "proposals");
            if (gtLabels.get(i).numel() != g) {
                throw new IllegalArgumentException("gt_labels: image " + i + " has " + gtLabels.get(i).numel()
                        + " labels for " + g + " boxes");
            }
        }
        // every image's IoU matrix and ground-truth labels read back together (one synchronization on a device)
        List<Tensor> ious = new ArrayList<>();
        try {
            for (int i = 0; i < images; i++) {
                ious.add(gtBoxes.get(i).size(0) > 0 ? backend.boxes().boxIou(gtBoxes.get(i), proposals.get(i))
                        : null);
            }
            List<Tensor> read = new ArrayList<>(gtLabels);
            ious.stream().filter(t -> t != null).forEach(read::add);
            List<Tensor> host = Host.hostAll(backend, read);
            for (int i = 0, k = images; i < images; i++) {
                int n = Host.rowsOf(proposals.get(i), "proposals");
                int g = Host.rowsOf(gtBoxes.get(i), "gt_boxes");
                long[] gl = Host.longs(backend, host.get(i));
                long[] idx = new long[n];
                long[] lab = new long[n];
                if (g > 0) {
                    long[] m = matcher.match(Host.floats(backend, host.get(k++)), g, n);
                    for (int j = 0; j < n; j++) {
                        idx[j] = Math.max(0, m[j]);
                        lab[j] = m[j] == Matcher.BELOW_LOW_THRESHOLD ? 0
                                : m[j] == Matcher.BETWEEN_THRESHOLDS ? -1 : gl[(int) idx[j]];
                    }
                }
                matched.add(Host.longsOn(backend, idx, n));
                labels.add(Host.longsOn(backend, lab, n));
            }
        } finally {
            ious.stream().filter(t -> t != null).forEach(Tensor::close);
        }
        return new Assignment(matched, labels);
    }

    /** The whole of select_training_samples, sampling with {@code sampler}, with torchvision's defaults. */
    public static RoiTargets select(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes,
            List<Tensor> gtLabels, BalancedPositiveNegativeSampler sampler) {
        return select(backend, proposals, gtBoxes, gtLabels, sampler, Matcher.roiHeads(), BoxCoding.ROI_WEIGHTS);
    }

    /**
     * The whole of select_training_samples: proposals matched by {@code matcher} (box_fg/bg_iou_thresh), sampled
     * with {@code sampler}, their regression targets encoded with {@code weights} (bbox_reg_weights).
     */
    public static RoiTargets select(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes,
            List<Tensor> gtLabels, BalancedPositiveNegativeSampler sampler, Matcher matcher, float[] weights) {
        List<Tensor> withGt = addGtProposals(backend, proposals, gtBoxes);
        try (Assignment a = assign(backend, withGt, gtBoxes, gtLabels, matcher)) {
            return gather(backend, withGt, gtBoxes, a, sampler.sample(backend, a.labels()), weights);
        } finally {
            Host.closeAll(withGt);
        }
    }

    /**
     * select_training_samples with given samples, whose indices refer to each image's proposals with its ground
     * truth appended (as {@link #addGtProposals} makes them).
     */
    public static RoiTargets select(Backend backend, List<Tensor> proposals, List<Tensor> gtBoxes,
            List<Tensor> gtLabels, List<SampledIndices> samples) {
        List<Tensor> withGt = addGtProposals(backend, proposals, gtBoxes);
        try (Assignment a = assign(backend, withGt, gtBoxes, gtLabels)) {
            return gather(backend, withGt, gtBoxes, a, samples, BoxCoding.ROI_WEIGHTS);
        } finally {
            Host.closeAll(withGt);
        }
    }

    private static RoiTargets gather(Backend backend, List<Tensor> withGt, List<Tensor> gtBoxes, Assignment a,
            List<SampledIndices> samples, float[] weights) {
        Host.sameSize("proposals", withGt, "samples", samples);
        List<Tensor> props = new ArrayList<>();
        List<Tensor> matched = new ArrayList<>();
        List<Tensor> labels = new ArrayList<>();
        List<Tensor> targets = new ArrayList<>();
        int images = withGt.size();
        // everything the images need read back together (one synchronization on a device)
        // (known without a read when the host built them; the proposals are picked where they are)
        List<Tensor> host = Host.hostAll(backend, Host.concat(a.matchedIdxs(), a.labels(), gtBoxes));
        for (int i = 0; i < images; i++) {
            long[] keep = samples.get(i).all();
            long[] m = Host.longs(backend, host.get(i));
            long[] l = Host.longs(backend, host.get(images + i));
            int k = keep.length;
            long[] mk = new long[k];
            long[] lk = new long[k];
            for (int j = 0; j < k; j++) {
                if (keep[j] < 0 || keep[j] >= m.length) {
                    throw new IllegalArgumentException("samples: index " + keep[j] + " outside image " + i + "'s "
                            + m.length + " proposals");
                }
                mk[j] = m[(int) keep[j]];
                lk[j] = l[(int) keep[j]];
            }
            float[] gt = Host.floats(backend, host.get(2 * images + i));
            if (gt.length == 0) {
                gt = new float[4];
            }
            Tensor sp = Host.rowsOn(backend, withGt.get(i), keep, DType.F32);
            try (Tensor mg = Host.floatsOn(backend, Host.rows4(gt, mk), k, 4)) {
                targets.add(backend.boxes().encodeBoxes(mg, sp, weights));
            }
            props.add(sp);
            matched.add(Host.longsOn(backend, mk, k));
            labels.add(Host.longsOn(backend, lk, k));
        }
        return new RoiTargets(props, matched, labels, targets);
    }
}
