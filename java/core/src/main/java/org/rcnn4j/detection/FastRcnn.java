package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.detection.backbone.Backbone;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.detection.backbone.VggBackbone;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.tensor.Tensor;

/**
 * Fast R-CNN (Girshick, ICCV 2015) on torchvision's parts: one backbone pass per image, RoIPool of each given
 * proposal from one feature map (7x7 at the map's stride), the two-layer MLP head, and the two sibling outputs
 * (softmax over K+1 classes, per-class box offsets). Training samples RoIs as RoIHeads does (IoU >= 0.5 foreground,
 * 25% of the batch) and minimizes fastrcnn_loss (cross-entropy + smooth L1); inference decodes, clips and runs
 * per-class NMS as postprocess_detections. Keys: backbone.*, roi_heads.box_head.*, roi_heads.box_predictor.*.
 */
public final class FastRcnn extends Block {
    private final Backbone backbone;
    private final String featureName;
    private final float spatialScale;
    private final int resolution;
    private final RcnnConfig config;
    private final TwoMlpHead boxHead;
    private final FastRcnnPredictor boxPredictor;

    /**
     * @param featureName which of the backbone's maps to pool from
     * @param stride      that map's stride (RoIPool's spatial_scale is 1/stride)
     */
    public <B extends Block & Backbone> FastRcnn(B backbone, String featureName, int stride, int resolution,
            int representationSize, int numClasses, RcnnConfig config) {
        if (stride < 1 || resolution < 1 || numClasses < 2) {
            throw new IllegalArgumentException("stride and resolution must be >= 1 and num_classes >= 2, got "
                    + stride + ", " + resolution + ", " + numClasses);
        }
        addBlock("transform", new GeneralizedRcnnTransform(config));
        this.backbone = addBlock("backbone", backbone);
        this.featureName = featureName;
        this.spatialScale = 1f / stride;
        this.resolution = resolution;
        this.config = config;
        RoiHeadsOnly heads = addBlock("roi_heads", new RoiHeadsOnly());
        this.boxHead = heads.addHead("box_head", new TwoMlpHead(backbone.outChannels() * resolution * resolution,
                representationSize));
        this.boxPredictor = heads.addHead("box_predictor", new FastRcnnPredictor(representationSize, numClasses));
    }

    /** Fast R-CNN on {@link SmallBackbone}'s stride-8 map, sized for the Fashion-MNIST scenes. */
    public static FastRcnn small(int numClasses) {
        return small(numClasses, 8);
    }

    /** Fast R-CNN pooling from {@link SmallBackbone}'s stride-8 ("0") or stride-16 ("1", the paper's) map. */
    public static FastRcnn small(int numClasses, int stride) {
        if (stride != 8 && stride != 16) {
            throw new IllegalArgumentException("stride: SmallBackbone has maps at 8 and 16, got " + stride);
        }
        return new FastRcnn(new SmallBackbone(SmallLayouts.CHANNELS), stride == 8 ? "0" : "1", stride, 7, 256,
                numClasses, SmallLayouts.config());
    }

    /**
     * The seed's Fast R-CNN: VGG-16 to conv5_3 (stride 16, 512 channels), RoIPool 7x7, fc6/fc7 of 4096 as in the
     * paper, torchvision's detection settings.
     */
    public static FastRcnn vgg16(int numClasses) {
        return new FastRcnn(new VggBackbone(), "0", VggBackbone.STRIDE, 7, 4096, numClasses,
                RcnnConfig.torchvisionDefaults());
    }

    public RcnnConfig config() {
        return config;
    }

    /**
     * Training losses (loss_classifier, loss_box_reg) for images with their proposals (F32 [P_i, 4] in the image's
     * own pixels) and targets; the RoI sampler draws from a generator seeded by {@code seed}.
     */
    public LinkedHashMap<String, Var> losses(List<Tensor> images, List<Tensor> proposals,
            List<DetectionTargets> targets, long seed) {
        checkSizes(images, proposals);
        if (targets == null || targets.size() != images.size()) {
            throw new IllegalArgumentException("targets: need one per image (" + images.size() + ")");
        }
        Backend backend = backend();
        ImageList il = transform().forward(images);
        try (TensorBin bin = new TensorBin()) {
            List<Tensor> props = new ArrayList<>();
            List<Tensor> gtBoxes = new ArrayList<>();
            List<Tensor> gtLabels = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                int[] original = {images.get(i).size(1), images.get(i).size(2)};
                DetectionTargets t = TargetResize.resize(targets.get(i), original, il.imageSizes()[i]);
                props.add(bin.add(backend.toDevice(GeneralizedRcnnTransform.resizeBoxes(proposals.get(i), original,
                        il.imageSizes()[i]))));
                gtBoxes.add(t.boxes());
                gtLabels.add(t.labels());
            }
            RoiTargets rt = RoiTargets.select(backend, props, gtBoxes, gtLabels, new BalancedPositiveNegativeSampler(
                    config.boxBatchSizePerImage(), config.boxPositiveFraction(), seed));
            bin.addAll(rt.proposals());
            bin.addAll(rt.matchedIdxs());
            bin.addAll(rt.labels());
            bin.addAll(rt.regressionTargets());
            Var[] pred = heads(il, rt.proposals(), bin);
            FastRcnnLoss.Result r = FastRcnnLoss.compute(pred[0], pred[1], rt.labels(), rt.regressionTargets());
            LinkedHashMap<String, Var> losses = new LinkedHashMap<>();
            losses.put("loss_classifier", r.classifier());
            losses.put("loss_box_reg", r.boxReg());
            return losses;
        }
    }

    /** Detections (original pixels, host tensors, no masks) for images and their proposals. */
    public List<ImageDetections> detect(List<Tensor> images, List<Tensor> proposals) {
        checkSizes(images, proposals);
        Backend backend = backend();
        try (Autograd.NoGrad ng = Autograd.noGrad(); Scope scope = Scope.open(); TensorBin bin = new TensorBin()) {
            ImageList il = transform().forward(images);
            List<Tensor> props = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                int[] original = {images.get(i).size(1), images.get(i).size(2)};
                props.add(bin.add(backend.toDevice(GeneralizedRcnnTransform.resizeBoxes(proposals.get(i), original,
                        il.imageSizes()[i]))));
            }
            Var[] pred = heads(il, props, bin);
            List<Detections> dets = DetectionPostprocess.postprocess(backend, pred[0].value(), pred[1].value(), props,
                    List.of(il.imageSizes()), config.boxScoreThresh(), config.boxNmsThresh(),
                    config.boxDetectionsPerImg());
            List<ImageDetections> out = new ArrayList<>();
            for (int i = 0; i < dets.size(); i++) {
                Detections d = dets.get(i);
                bin.add(d.boxes());
                bin.add(d.scores());
                bin.add(d.labels());
                int[] original = {images.get(i).size(1), images.get(i).size(2)};
                Tensor boxes = bin.add(TransformPostprocess.resizeBoxes(backend, d.boxes(), il.imageSizes()[i],
                        original));
                out.add(new ImageDetections(backend.toHost(boxes), backend.toHost(d.scores()),
                        backend.toHost(d.labels()), null));
            }
            return out;
        }
    }

    /** Backbone, RoIPool of every image's RoIs (batch index prepended), head and predictor. */
    private Var[] heads(ImageList il, List<Tensor> rois, TensorBin bin) {
        Backend backend = backend();
        Var feature = backbone.forward(Var.fromHost(backend, il.tensors())).get(featureName);
        if (feature == null) {
            throw new IllegalStateException("the backbone has no feature map '" + featureName + "'");
        }
        int total = 0;
        for (Tensor r : rois) {
            total += r.size(0);
        }
        float[] flat = new float[total * 5];
        int row = 0;
        for (int i = 0; i < rois.size(); i++) {
            float[] b = backend.toHost(rois.get(i)).floats();
            for (int k = 0; k < b.length / 4; k++, row++) {
                flat[5 * row] = i;
                System.arraycopy(b, 4 * k, flat, 5 * row + 1, 4);
            }
        }
        Var batched = Var.fromHost(backend, Tensor.ofFloats(flat, total, 5));
        Var pooled = Functional.roiPool(feature, batched, resolution, resolution, spatialScale);
        return boxPredictor.forward(boxHead.forward(pooled));
    }

    private static void checkSizes(List<Tensor> images, List<Tensor> proposals) {
        if (images.isEmpty() || proposals == null || proposals.size() != images.size()) {
            throw new IllegalArgumentException("proposals: need one [P, 4] tensor per image (" + images.size()
                    + "), got " + (proposals == null ? "none" : proposals.size()));
        }
    }

    public GeneralizedRcnnTransform transform() {
        return (GeneralizedRcnnTransform) get("transform");
    }

    @Override
    public String typeName() {
        return "FastRCNN";
    }

    /** The roi_heads container, so keys read roi_heads.box_head.* as in the two-stage detectors. */
    static final class RoiHeadsOnly extends Block {
        <M extends Block> M addHead(String name, M m) {
            return addBlock(name, m);
        }

        @Override
        public String typeName() {
            return "RoIHeads";
        }
    }
}
