package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.detection.backbone.Backbone;
import org.rcnn4j.nn.Block;
import org.rcnn4j.tensor.Tensor;

/**
 * Faster R-CNN / Mask R-CNN laid out as torchvision's GeneralizedRCNN: transform, backbone, rpn, roi_heads, so
 * {@link #stateDict()} has torchvision's keys, shapes and order (with torchvision's ResNet-50-FPN layout). Built by
 * {@link FasterRcnn#builder} and {@link MaskRcnn#builder} (or by name, {@link Models}).
 */
public final class GeneralizedRcnn extends Block {
    private final Backbone backbone;
    private final RegionProposalNetwork rpn;
    private final RoiHeads roiHeads;
    /** The maps the RPN reads, in the backbone's order; null: all of them, as torchvision. */
    private final List<String> rpnFeatureNames;
    /** The builder's settings, but for what {@link #setBoxInference} and {@link #setBoxRefinements} set since. */
    private RcnnConfig config;

    /** Assembled by {@link FasterRcnn.Builder} and {@link MaskRcnn.Builder}, which check the parts fit. */
    GeneralizedRcnn(RcnnConfig config, Backbone backbone, List<String> rpnFeatureNames, RegionProposalNetwork rpn,
            RoiHeads roiHeads) {
        this.config = config;
        this.rpnFeatureNames = rpnFeatureNames == null ? null : List.copyOf(rpnFeatureNames);
        addBlock("transform", new GeneralizedRcnnTransform(config));
        addBlock("backbone", Parts.block("backbone", backbone));
        this.backbone = backbone;
        this.rpn = addBlock("rpn", rpn);
        this.roiHeads = addBlock("roi_heads", roiHeads);
    }

    /** The maps the RPN reads, in the backbone's order: the builder's rpnFeatureNames, or all of them. */
    private List<Var> rpnFeatures(LinkedHashMap<String, Var> features) {
        List<String> names = rpnFeatureNames;
        if (names == null) {
            return new ArrayList<>(features.values());
        }
        List<Var> out = new ArrayList<>();
        for (String name : names) {
            Var v = features.get(name);
            if (v == null) {
                throw new IllegalStateException("rpn level " + name + " is not among the backbone's maps "
                        + features.keySet());
            }
            out.add(v);
        }
        return out;
    }

    /**
     * One training forward pass: the images (host F32 [3, H, W], values in [0, 1]) are normalized, resized and
     * batched with their targets, and the losses come back in torchvision's order and names (loss_classifier,
     * loss_box_reg, [loss_mask,] loss_objectness, loss_rpn_box_reg), each a 0-dim Var. The samplers draw from
     * generators seeded by {@code seed}. The module must be bound ({@link #to}); open a Scope around the step.
     */
    public LinkedHashMap<String, Var> losses(List<Tensor> images, List<DetectionTargets> targets, long seed) {
        if (targets == null || targets.size() != images.size()) {
            throw new IllegalArgumentException("targets: need one per image (" + images.size() + "), got "
                    + (targets == null ? "none" : targets.size()));
        }
        for (int i = 0; i < targets.size(); i++) {
            if (hasMasks() && targets.get(i).masks() == null) {
                throw new IllegalArgumentException("targets[" + i + "]: Mask R-CNN needs masks");
            }
        }
        ImageList il = transform().forward(images);
        Backend backend = backend();
        // the target assignment and losses run on the backend: the resized targets go there (the same tensors on
        // the CPU backend)
        try (TensorBin bin = new TensorBin()) {
            List<DetectionTargets> resized = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Tensor img = images.get(i);
                DetectionTargets r = TargetResize.resize(targets.get(i), new int[] {img.size(1), img.size(2)},
                        il.imageSizes()[i]);
                // through Host: the target assignment then knows their values without reading them back
                resized.add(new DetectionTargets(bin.add(Host.upload(backend, r.boxes())),
                        bin.add(Host.upload(backend, r.labels())),
                        r.masks() == null ? null : bin.add(backend.toDevice(r.masks()))));
            }
            LinkedHashMap<String, Var> features = backbone.forward(Var.fromHost(backend, il.tensors()));
            RegionProposalNetwork.Output proposals = rpn.forward(il, rpnFeatures(features), resized,
                    config(), seed);
            bin.addAll(proposals.proposals());
            RoiHeads.Output heads = roiHeads.forward(features, proposals.proposals(), List.of(il.imageSizes()),
                    resized, config(), mix(seed));
            LinkedHashMap<String, Var> losses = new LinkedHashMap<>(heads.losses());
            losses.putAll(proposals.losses());
            return losses;
        }
    }

    /**
     * Inference on images of any size (host F32 [3, H, W], values in [0, 1]): detections in each image's own
     * pixels, on the host, with Mask R-CNN's masks as probabilities. Records no graph and frees everything it made
     * on the backend.
     */
    public List<ImageDetections> detect(List<Tensor> images) {
        return detect(images, MaskOutput.probabilities());
    }

    /**
     * Pasted masks of one image larger than this (as F32) are made as binary masks this much at a time: one more
     * read from the device each (on a GPU, a synchronization), so that an 800x1216 photo's 100 masks never exist as
     * 389 MB of probabilities at once.
     */
    static final long PASTE_SLICE_BYTES = 16L << 20;

    /**
     * {@link #detect(List)} with Mask R-CNN's masks as {@code masks} asks: probabilities (F32 [D, 1, H, W]) or binary
     * (U8 [D, 1, H, W]), or either kept at each detection's paste window ({@link MaskOutput#asCrops()}: {@link
     * ImageDetections#crops()}, pasted {@link #PASTE_SLICE_BYTES} of windows at a time). Every intermediate is freed
     * after its last use: the network holds about the largest layer's input and output plus the feature maps the
     * heads need, as torch's inference does.
     */
    public List<ImageDetections> detect(List<Tensor> images, MaskOutput masks) {
        return detect(images, masks, PASTE_SLICE_BYTES);
    }

    /** {@link #detect(List, MaskOutput)}, binary or cropped masks pasted {@code sliceBytes} (as F32) at a time. */
    List<ImageDetections> detect(List<Tensor> images, MaskOutput masks, long sliceBytes) {
        if (masks == null) {
            throw new IllegalArgumentException("masks: expected a MaskOutput, got null");
        }
        Backend backend = backend();
        try (Autograd.NoGrad ng = Autograd.noGrad(); Scope scope = Scope.open(); TensorBin bin = new TensorBin()) {
            ImageList il = transform().forward(images);
            LinkedHashMap<String, Var> features;
            // the backbone's intermediate maps go as soon as the pyramid exists (at 800x1216 they are gigabytes)
            try (Scope backboneScope = Scope.open()) {
                features = backbone.forward(Var.fromHost(backend, il.tensors()));
                features.values().forEach(backboneScope::keep);
            }
            RegionProposalNetwork.Output proposals = rpn.forward(il, rpnFeatures(features), null,
                    config(), 0);
            bin.addAll(proposals.proposals());
            RoiHeads.Output heads = roiHeads.forward(features, proposals.proposals(), List.of(il.imageSizes()), null,
                    config(), 0);
            features.values().forEach(Var::drop); // the pyramid goes before the masks are pasted
            // every image's outputs read back together: one synchronization
            List<Tensor> finals = new ArrayList<>();
            Tensor[] sliced = new Tensor[2 * images.size()]; // per image: probabilities and boxes, pasted in slices
            for (int i = 0; i < images.size(); i++) {
                Detections d = heads.detections().get(i);
                bin.add(d.boxes());
                bin.add(d.scores());
                bin.add(d.labels());
                int[] original = {images.get(i).size(1), images.get(i).size(2)};
                Tensor boxes = bin.add(TransformPostprocess.resizeBoxes(backend, d.boxes(), il.imageSizes()[i],
                        original));
                finals.add(boxes);
                finals.add(d.scores());
                finals.add(d.labels());
                if (hasMasks()) {
                    Tensor probs = bin.add(heads.maskProbabilities().get(i));
                    long pastedBytes = 4L * probs.size(0) * original[0] * original[1];
                    // large: binary masks or crops made a slice at a time after the read; small: pasted whole and
                    // read with the outputs (no extra synchronization), crops then cut from it on the host
                    if ((masks.binary() || masks.cropped()) && pastedBytes > sliceBytes) {
                        sliced[2 * i] = probs;
                        sliced[2 * i + 1] = boxes;
                        finals.add(Tensor.zeros(org.rcnn4j.tensor.DType.U8, 0)); // stands in until read
                    } else {
                        finals.add(probs.size(0) == 0
                                ? Tensor.zeros(org.rcnn4j.tensor.DType.F32, 0, 1, original[0], original[1])
                                : bin.add(TransformPostprocess.pasteMasks(backend, probs, boxes, original)));
                    }
                }
            }
            List<Tensor> host = new ArrayList<>(backend.toHost(finals));
            finals.clear();
            int per = hasMasks() ? 4 : 3;
            List<ImageDetections> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Tensor m = null;
                if (hasMasks() && masks.cropped()) { // the windows come from the boxes just read
                    int[] original = {images.get(i).size(1), images.get(i).size(2)};
                    int maskSize = heads.maskProbabilities().get(i).size(3);
                    List<MaskCrop> crops = sliced[2 * i] != null
                            ? MaskCropping.crops(backend, sliced[2 * i], sliced[2 * i + 1], host.get(per * i),
                                    original, masks, sliceBytes)
                            : MaskCropping.cut(host.get(per * i + 3), host.get(per * i), maskSize, masks);
                    host.set(per * i + 3, null);
                    out.add(new ImageDetections(host.get(per * i), host.get(per * i + 1), host.get(per * i + 2),
                            null, crops));
                    continue;
                }
                if (hasMasks()) {
                    int[] original = {images.get(i).size(1), images.get(i).size(2)};
                    m = sliced[2 * i] != null
                            ? pasteInSlices(backend, sliced[2 * i], sliced[2 * i + 1], original, masks, sliceBytes)
                            : masks.binary() ? masks.inside(host.get(per * i + 3)) : host.get(per * i + 3);
                    host.set(per * i + 3, null);
                }
                out.add(new ImageDetections(host.get(per * i), host.get(per * i + 1), host.get(per * i + 2), m));
            }
            return out;
        }
    }

    /**
     * Binary masks U8 [D, 1, H, W] of one image, pasted {@code sliceBytes} of probabilities at a time (the
     * same paste, row by row, as one call would do), each slice read back, thresholded and freed before the next.
     */
    private static Tensor pasteInSlices(Backend backend, Tensor probs, Tensor boxes, int[] original,
            MaskOutput masks, long sliceBytes) {
        int d = probs.size(0);
        int plane = original[0] * original[1];
        int per = (int) Math.max(1, Math.min(d, sliceBytes / (4L * plane)));
        if (d > MaskOutput.maxBinaryMasks(original[0], original[1])) {
            throw new IllegalArgumentException("masks: " + d + " binary masks of " + original[1] + "x" + original[0]
                    + " need " + (long) d * plane + " bytes, more than one Java array holds: keep fewer detections "
                    + "(box_detections_per_img) or give a smaller image");
        }
        byte[] out = new byte[d * plane];
        for (int from = 0; from < d; from += per) {
            int k = Math.min(per, d - from);
            try (Tensor p = backend.select().rows(probs, from, k); Tensor b = backend.select().rows(boxes, from, k);
                    Tensor pasted = TransformPostprocess.pasteMasks(backend, p, b, original)) {
                float[] v = backend.toHost(pasted).floats();
                int at = from * plane;
                for (int i = 0; i < v.length; i++) {
                    out[at + i] = masks.inside(v[i]) ? (byte) 1 : 0;
                }
            }
        }
        return Tensor.ofBytes(out, d, 1, original[0], original[1]);
    }

    private static long mix(long seed) {
        long z = seed + 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        return z ^ (z >>> 31);
    }

    public GeneralizedRcnnTransform transform() {
        return (GeneralizedRcnnTransform) get("transform");
    }

    /** The names of the backbone's maps the RPN reads; null: every map (torchvision's behaviour). */
    public List<String> rpnFeatureNames() {
        return rpnFeatureNames;
    }

    public boolean hasMasks() {
        return roiHeads.hasMasks();
    }

    /** The classes the box predictor scores, background included. */
    public int numClasses() {
        return roiHeads.boxPredictor().numClasses();
    }

    public RcnnConfig config() {
        return config;
    }

    /**
     * Sets what {@link #detect} keeps: detections scoring at least {@code scoreThresh}, per-class NMS at
     * {@code nmsThresh}, the best {@code detectionsPerImg} per image (torchvision's box_score_thresh 0.05,
     * box_nms_thresh 0.5, box_detections_per_img 100 by default). Returns this model.
     */
    public GeneralizedRcnn setBoxInference(float scoreThresh, float nmsThresh, int detectionsPerImg) {
        config = config.withBoxInference(scoreThresh, nmsThresh, detectionsPerImg);
        return this;
    }

    /** Sets {@link RcnnConfig#boxRefinements()}: how many more passes of the box head inference runs (0..8). */
    public GeneralizedRcnn setBoxRefinements(int refinements) {
        config = config.toBuilder().boxRefinements(refinements).build();
        return this;
    }

    /**
     * Sets the transform's resize (torchvision's min_size 800 and max_size 1333 for the COCO models): the shorter
     * side goes to {@code minSize} unless the longer would then exceed {@code maxSize}. Returns this model.
     */
    public GeneralizedRcnn setTransformSizes(int minSize, int maxSize) {
        config = config.withTransformSizes(minSize, maxSize);
        transform().setConfig(transform().config().withTransformSizes(minSize, maxSize));
        return this;
    }

    public Backbone backbone() {
        return backbone;
    }

    public RegionProposalNetwork rpn() {
        return rpn;
    }

    public RoiHeads roiHeads() {
        return roiHeads;
    }

    @Override
    public String typeName() {
        return hasMasks() ? "MaskRCNN" : "FasterRCNN";
    }
}
