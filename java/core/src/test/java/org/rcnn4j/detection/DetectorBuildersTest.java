package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.backbone.BackboneWithFpn;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * FasterRcnn / MaskRcnn builders: torchvision's defaults, the factories as their thin uses, user-written parts
 * (a box head and a mask head of one layer) that train and detect, every setting reaching the model, and the
 * checks that parts fit each other and the backbone.
 */
class DetectorBuildersTest {

    /** A box head of one fully connected layer: what a user writes to replace TwoMLPHead. */
    static final class OneLayerBoxHead extends Block implements BoxHead {
        private final Linear fc;

        OneLayerBoxHead(int in, int out) {
            fc = addBlock("fc", new Linear(in, out));
        }

        @Override
        public Var forward(Var pooled) {
            return TensorMath.relu(fc.forward(TensorMath.flatten(pooled, 1)));
        }

        @Override
        public int outputSize() {
            return fc.weight().shape()[0];
        }
    }

    /** A mask head of one 3x3 conv (ReLU), reading any channel count it was made for. */
    static final class OneConvMaskHead extends Block implements MaskHead {
        private final Conv2d conv;
        private final int out;

        OneConvMaskHead(int in, int out) {
            this.out = out;
            conv = addBlock("conv", new Conv2d(in, out, 3, 1, 1, true));
        }

        @Override
        public Var forward(Var input) {
            return TensorMath.relu(conv.forward(input));
        }

        @Override
        public int outChannels() {
            return out;
        }
    }

    /** An RPN head without the shared 3x3 conv: two 1x1 convs on the map. */
    static final class SlimRpnHead extends Block implements ProposalHead {
        private final Conv2d logits;
        private final Conv2d deltas;
        private final int anchors;

        SlimRpnHead(int channels, int anchors) {
            this.anchors = anchors;
            logits = addBlock("logits", new Conv2d(channels, anchors, 1, 1, 0, true));
            deltas = addBlock("deltas", new Conv2d(channels, 4 * anchors, 1, 1, 0, true));
        }

        @Override
        public Var[] forward(Var feature) {
            return new Var[] {logits.forward(feature), deltas.forward(feature)};
        }

        @Override
        public int anchorsPerLocation() {
            return anchors;
        }
    }

    private static SmallBackbone small() {
        return new SmallBackbone(16, true, 2);   // maps "0", "1", "2", "pool", 16 channels
    }

    /** Small settings around a 16-channel SmallBackbone: 64x64 images, three anchor levels on "1", "2", "pool". */
    private static <B extends RcnnBuilder<B>> B smallSettings(B b) {
        return b.minSize(64).maxSize(64)
                .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{16}, {32}, {64}}, AnchorGenerator.FPN_ASPECT_RATIOS))
                .rpnFeatureNames("1", "2", "pool")
                .rpnPreNmsTopNTrain(200).rpnPostNmsTopNTrain(100).rpnPreNmsTopNTest(100).rpnPostNmsTopNTest(50)
                .boxRoiPool(new MultiScaleRoIAlign(List.of("0", "1"), 7, 2))
                .boxBatchSizePerImage(32).rpnBatchSizePerImage(64);
    }

    @Test
    void settingsDefaultToTorchvision014() {
        // torchvision/models/detection/faster_rcnn.py FasterRCNN.__init__ and transform.py, 0.14
        RcnnConfig c = RcnnConfig.torchvisionDefaults();
        assertEquals(800, c.minSize());
        assertEquals(1333, c.maxSize());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, c.imageMean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, c.imageStd());
        assertEquals(32, c.sizeDivisible());
        assertEquals(2000, c.rpnPreNmsTopNTrain());
        assertEquals(1000, c.rpnPreNmsTopNTest());
        assertEquals(2000, c.rpnPostNmsTopNTrain());
        assertEquals(1000, c.rpnPostNmsTopNTest());
        assertEquals(0.7f, c.rpnNmsThresh());
        assertEquals(0.7f, c.rpnFgIouThresh());
        assertEquals(0.3f, c.rpnBgIouThresh());
        assertEquals(256, c.rpnBatchSizePerImage());
        assertEquals(0.5f, c.rpnPositiveFraction());
        assertEquals(0.0f, c.rpnScoreThresh());
        assertEquals(0.05f, c.boxScoreThresh());
        assertEquals(0.5f, c.boxNmsThresh());
        assertEquals(100, c.boxDetectionsPerImg());
        assertEquals(0.5f, c.boxFgIouThresh());
        assertEquals(0.5f, c.boxBgIouThresh());
        assertEquals(512, c.boxBatchSizePerImage());
        assertEquals(0.25f, c.boxPositiveFraction());
        assertArrayEquals(new float[] {10f, 10f, 5f, 5f}, c.bboxRegWeights());
    }

    @Test
    void defaultPartsAreTorchvisions() {
        GeneralizedRcnn m = MaskRcnn.builder(new BackboneWithFpn(Norm.FROZEN, 3)).numClasses(91).build();
        assertEquals(5, m.rpn().anchorGenerator().levels());
        assertArrayEquals(new int[] {32}, m.rpn().anchorGenerator().sizes(0));
        assertArrayEquals(new int[] {512}, m.rpn().anchorGenerator().sizes(4));
        assertEquals(3, m.rpn().head().anchorsPerLocation());
        assertNull(m.rpnFeatureNames(), "the RPN reads every map, as torchvision");
        assertEquals(List.of("0", "1", "2", "3"), m.roiHeads().boxRoiPool().featureNames());
        assertEquals(7, m.roiHeads().boxRoiPool().outputSize());
        assertEquals(2, m.roiHeads().boxRoiPool().samplingRatio());
        assertEquals(14, m.roiHeads().maskRoiPool().outputSize());
        assertEquals(2, m.roiHeads().maskRoiPool().samplingRatio());
        assertEquals(256 * 7 * 7, m.roiHeads().boxHead().inputSize());
        assertEquals(1024, m.roiHeads().boxHead().outputSize());
        assertEquals(256, m.roiHeads().maskHead().outChannels());
        assertEquals(91, m.roiHeads().maskPredictor().numClasses());
        assertEquals("MaskRCNN", m.typeName());
        assertEquals(307, m.stateEntries().size());
    }

    @Test
    void factoriesAreTheBuildersWithTheirDefaults() {
        ModelOptions o = ModelOptions.defaults();
        assertSameLayout(Models.fasterrcnnResnet50Fpn(o),
                FasterRcnn.builder(new BackboneWithFpn(o.norm(), o.trainableBackboneLayers())).numClasses(91).build());
        assertSameLayout(Models.maskrcnnResnet50Fpn(o.withNumClasses(5)),
                MaskRcnn.builder(new BackboneWithFpn(o.norm(), o.trainableBackboneLayers())).numClasses(5).build());
    }

    private static void assertSameLayout(Block a, Block b) {
        LinkedHashMap<String, StateEntry> x = a.stateEntries();
        LinkedHashMap<String, StateEntry> y = b.stateEntries();
        assertEquals(new ArrayList<>(x.keySet()), new ArrayList<>(y.keySet()));
        x.forEach((k, e) -> assertArrayEquals(e.shape(), y.get(k).shape(), k));
    }

    @Test
    void everySettingReachesTheModel() {
        GeneralizedRcnn m = FasterRcnn.builder(small()).numClasses(3)
                .minSize(96).maxSize(160).imageMean(0.5f, 0.5f, 0.5f).imageStd(0.25f, 0.25f, 0.25f).sizeDivisible(16)
                .rpnAnchorGenerator(new AnchorGenerator(new int[][] {{8}, {16}, {32}, {64}},
                        AnchorGenerator.FPN_ASPECT_RATIOS))
                .boxRoiPool(new MultiScaleRoIAlign(List.of("0"), 5, 1))
                .rpnPreNmsTopNTrain(11).rpnPreNmsTopNTest(12).rpnPostNmsTopNTrain(13).rpnPostNmsTopNTest(14)
                .rpnNmsThresh(0.6f).rpnBatchSizePerImage(15).rpnPositiveFraction(0.4f).rpnScoreThresh(0.1f)
                .boxScoreThresh(0.2f).boxNmsThresh(0.3f).boxDetectionsPerImg(16).boxBatchSizePerImage(17)
                .boxPositiveFraction(0.35f)
                .build();
        RcnnConfig c = m.config();
        assertEquals(96, c.minSize());
        assertEquals(160, c.maxSize());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, c.imageMean());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, c.imageStd());
        assertEquals(16, c.sizeDivisible());
        assertEquals(11, c.rpnPreNmsTopNTrain());
        assertEquals(12, c.rpnPreNmsTopNTest());
        assertEquals(13, c.rpnPostNmsTopNTrain());
        assertEquals(14, c.rpnPostNmsTopNTest());
        assertEquals(0.6f, c.rpnNmsThresh());
        assertEquals(15, c.rpnBatchSizePerImage());
        assertEquals(0.4f, c.rpnPositiveFraction());
        assertEquals(0.1f, c.rpnScoreThresh());
        assertEquals(0.2f, c.boxScoreThresh());
        assertEquals(0.3f, c.boxNmsThresh());
        assertEquals(16, c.boxDetectionsPerImg());
        assertEquals(17, c.boxBatchSizePerImage());
        assertEquals(0.35f, c.boxPositiveFraction());
        assertEquals(96, m.transform().config().minSize(), "the transform resizes with the builder's sizes");
        assertEquals(16, m.transform().config().sizeDivisible());
        assertEquals(5, m.roiHeads().boxRoiPool().outputSize());
        assertEquals(16 * 5 * 5, m.roiHeads().boxHead().inputSize(), "the default box head fits the pool");
        assertEquals(1024, m.roiHeads().boxPredictor().inputSize());
    }

    @Test
    void aUserWrittenBoxHeadTrainsAndDetects() {
        GeneralizedRcnn m = smallSettings(FasterRcnn.builder(small()))
                .numClasses(3)
                .boxHead(new OneLayerBoxHead(16 * 7 * 7, 32))
                .build();
        LinkedHashMap<String, Tensor> sd = m.initialize(3).stateDict();
        assertArrayEquals(new int[] {32, 16 * 7 * 7}, sd.get("roi_heads.box_head.fc.weight").shape());
        assertArrayEquals(new int[] {3, 32}, sd.get("roi_heads.box_predictor.cls_score.weight").shape(),
                "the default predictor reads the head's output size");
        assertArrayEquals(new int[] {12, 32}, sd.get("roi_heads.box_predictor.bbox_pred.weight").shape());
        trainStepAndDetect(m, "roi_heads.box_head.");
    }

    @Test
    void aUserWrittenRpnHeadAndBoxPredictorTrainAndDetect() {
        GeneralizedRcnn m = smallSettings(FasterRcnn.builder(small()))
                .rpnHead(new SlimRpnHead(16, 3))
                .boxPredictor(new FastRcnnPredictor(1024, 4))     // num_classes comes from the predictor
                .build();
        assertEquals(4, m.numClasses());
        LinkedHashMap<String, Tensor> sd = m.initialize(5).stateDict();
        assertArrayEquals(new int[] {3, 16, 1, 1}, sd.get("rpn.head.logits.weight").shape());
        assertArrayEquals(new int[] {12, 16, 1, 1}, sd.get("rpn.head.deltas.weight").shape());
        assertFalse(sd.containsKey("rpn.head.conv.0.0.weight"));
        trainStepAndDetect(m, "rpn.head.");
    }

    @Test
    void aUserWrittenMaskHeadTrainsAndDetects() {
        GeneralizedRcnn m = smallSettings(MaskRcnn.builder(small()))
                .numClasses(3)
                .maskRoiPool(new MultiScaleRoIAlign(List.of("0"), 7, 2))
                .maskHead(new OneConvMaskHead(16, 8))
                .build();
        LinkedHashMap<String, Tensor> sd = m.initialize(4).stateDict();
        assertArrayEquals(new int[] {8, 16, 3, 3}, sd.get("roi_heads.mask_head.conv.weight").shape());
        assertArrayEquals(new int[] {8, 256, 2, 2}, sd.get("roi_heads.mask_predictor.conv5_mask.weight").shape(),
                "the default predictor reads the head's channels");
        assertArrayEquals(new int[] {3, 256, 1, 1}, sd.get("roi_heads.mask_predictor.mask_fcn_logits.weight").shape());
        trainStepAndDetect(m, "roi_heads.mask_head.");
    }

    /** The matchers' thresholds and bbox_reg_weights reach the stage they belong to, and only that stage. */
    @Test
    void targetSettingsReachTheirStages() {
        Map<String, Double> base = lossesOf(smallSettings(FasterRcnn.builder(small())).numClasses(3));
        Map<String, Double> rpnFg = lossesOf(smallSettings(FasterRcnn.builder(small())).numClasses(3)
                .rpnFgIouThresh(0.4f));
        Map<String, Double> rpnBg = lossesOf(smallSettings(FasterRcnn.builder(small())).numClasses(3)
                .rpnBgIouThresh(0.05f));
        Map<String, Double> boxFg = lossesOf(smallSettings(FasterRcnn.builder(small())).numClasses(3)
                .boxFgIouThresh(0.9f));
        Map<String, Double> weights = lossesOf(smallSettings(FasterRcnn.builder(small())).numClasses(3)
                .bboxRegWeights(1f, 1f, 1f, 1f));
        // an untrained RPN's objectness is about ln 2 whatever the labels; more positives move the box loss
        assertFalse(base.get("loss_rpn_box_reg").equals(rpnFg.get("loss_rpn_box_reg")), rpnFg + " vs " + base);
        assertFalse(base.get("loss_objectness").equals(rpnBg.get("loss_objectness")), rpnBg + " vs " + base);
        for (Map<String, Double> rpn : List.of(rpnFg, rpnBg)) {
            assertEquals(base.get("loss_classifier"), rpn.get("loss_classifier"));
        }
        assertEquals(base.get("loss_objectness"), boxFg.get("loss_objectness"));
        assertFalse(base.get("loss_classifier").equals(boxFg.get("loss_classifier")), boxFg + " vs " + base);
        assertEquals(base.get("loss_classifier"), weights.get("loss_classifier"));
        assertFalse(base.get("loss_box_reg").equals(weights.get("loss_box_reg")), weights + " vs " + base);
    }

    /** The training losses of a model built with a fixed seed on trainStepAndDetect's image, as doubles. */
    private static Map<String, Double> lossesOf(FasterRcnn.Builder b) {
        GeneralizedRcnn m = b.build();
        m.initialize(3);
        Map<String, Double> out = new LinkedHashMap<>();
        m.to(new CpuBackend());
        try (Scope s = Scope.open()) {
            m.train(true);
            for (Map.Entry<String, Var> e : m.losses(List.of(squareImage()), List.of(squareTarget(false)), 5)
                    .entrySet()) {
                out.put(e.getKey(), e.getValue().item());
            }
        } finally {
            m.release();
        }
        return out;
    }

    private static Tensor squareImage() {
        int h = 64;
        int w = 64;
        float[] rgb = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = y >= 16 && y < 44 && x >= 12 && x < 40;
                for (int c = 0; c < 3; c++) {
                    rgb[(c * h + y) * w + x] = in ? 0.8f - 0.2f * c : 0.1f + 0.001f * x;
                }
            }
        }
        return Tensor.ofFloats(rgb, 3, h, w);
    }

    private static DetectionTargets squareTarget(boolean withMask) {
        int h = 64;
        int w = 64;
        byte[] mask = new byte[h * w];
        for (int y = 16; y < 44; y++) {
            for (int x = 12; x < 40; x++) {
                mask[y * w + x] = 1;
            }
        }
        return new DetectionTargets(Tensor.ofFloats(new float[] {12, 16, 40, 44}, 1, 4),
                Tensor.ofLongs(new long[] {2}, 1), withMask ? Tensor.ofBytes(mask, 1, h, w) : null);
    }

    /**
     * One training forward and backward pass (the losses in torchvision's order, finite; the user's part, the
     * first trainable value under {@code userPart}, gets a finite non-zero gradient), then inference.
     */
    private static void trainStepAndDetect(GeneralizedRcnn m, String userPart) {
        int h = 64;
        int w = 64;
        Tensor image = squareImage();
        DetectionTargets t = squareTarget(m.hasMasks());
        m.to(new CpuBackend());
        try {
            m.train(true);
            try (Scope s = Scope.open()) {
                Map<String, Var> losses = m.losses(List.of(image), List.of(t), 5);
                List<String> expected = new ArrayList<>(List.of("loss_classifier", "loss_box_reg"));
                if (m.hasMasks()) {
                    expected.add("loss_mask");
                }
                expected.addAll(List.of("loss_objectness", "loss_rpn_box_reg"));
                assertEquals(expected, new ArrayList<>(losses.keySet()));
                Var total = null;
                for (Var v : losses.values()) {
                    assertTrue(Double.isFinite(v.item()), losses.toString());
                    total = total == null ? v : TensorMath.add(total, v);
                }
                total.backward();
                Var fc = m.trainableVars().entrySet().stream().filter(e -> e.getKey().startsWith(userPart))
                        .findFirst().orElseThrow().getValue();
                assertTrue(fc.grad() != null, "the user's head is trained");
                float[] g = fc.grad().floats();   // a host tensor on the CPU backend
                double norm = 0;
                for (float v : g) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 0, "the user's head gets a gradient");
            }
            m.eval();
            m.setBoxInference(0f, 0.5f, 5);
            ImageDetections d = m.detect(List.of(image)).get(0);
            assertTrue(d.count() > 0 && d.count() <= 5, "detections: " + d.count());
            if (m.hasMasks()) {
                assertArrayEquals(new int[] {d.count(), 1, h, w}, d.masks().shape());
            }
        } finally {
            m.release();
        }
    }

    @Test
    void partsThatDoNotFitAreRefusedByName() {
        expectError("box_predictor: reads 1024 features per RoI, the box_head gives 32",
                () -> smallSettings(FasterRcnn.builder(small())).boxHead(new OneLayerBoxHead(16 * 49, 32))
                        .boxPredictor(new FastRcnnPredictor(1024, 3)).build());
        expectError("box_head: reads 100 features per RoI, box_roi_pool gives 16 channels x 7 x 7 = 784",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).boxHead(new TwoMlpHead(100, 32))
                        .build());
        expectError("rpn_anchor_generator: has sizes for 5 feature maps, the RPN reads 4 [0, 1, 2, pool]",
                () -> FasterRcnn.builder(small()).numClasses(3).boxRoiPool(new MultiScaleRoIAlign(List.of("0"), 7, 2))
                        .build());
        expectError("box_roi_pool: feature maps [3] are not among the backbone's [0, 1, 2, pool]",
                () -> FasterRcnn.builder(small()).numClasses(3).rpnAnchorGenerator(new AnchorGenerator(
                        new int[][] {{8}, {16}, {32}, {64}}, AnchorGenerator.FPN_ASPECT_RATIOS)).build());
        expectError("rpnFeatureNames: feature maps [p6] are not among the backbone's",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).rpnFeatureNames("1", "2", "p6")
                        .build());
        expectError("rpn_head: predicts 6 anchors per location, the anchor generator makes 3",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).rpnHead(new RpnHead(16, 6)).build());
        expectError("rpn_head: reads 32 channels, the backbone gives 16",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).rpnHead(new RpnHead(32, 3)).build());
        expectError("num_classes: give the number of classes",
                () -> smallSettings(FasterRcnn.builder(small())).build());
        expectError("num_classes (4) differs from the box_predictor's (3)",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(4)
                        .boxPredictor(new FastRcnnPredictor(1024, 3)).build());
        expectError("num_classes must be >= 2", () -> FasterRcnn.builder(small()).numClasses(1));
        expectError("mask_predictor: predicts 5 classes, the box predictor scores 3",
                () -> smallSettings(MaskRcnn.builder(small())).numClasses(3)
                        .maskRoiPool(new MultiScaleRoIAlign(List.of("0"), 14, 2))
                        .maskPredictor(new MaskRcnnPredictor(256, 256, 5)).build());
        expectError("mask_predictor: reads 256 channels, the mask_head gives 8",
                () -> smallSettings(MaskRcnn.builder(small())).numClasses(3)
                        .maskRoiPool(new MultiScaleRoIAlign(List.of("0"), 14, 2))
                        .maskHead(new OneConvMaskHead(16, 8)).maskPredictor(new MaskRcnnPredictor(256, 256, 3))
                        .build());
        expectError("mask_head: reads 256 channels, the backbone gives 16",
                () -> smallSettings(MaskRcnn.builder(small())).numClasses(3)
                        .maskRoiPool(new MultiScaleRoIAlign(List.of("0"), 14, 2))
                        .maskHead(new MaskRcnnHeads(256, new int[] {256})).build());
        expectError("mask_roi_pool: feature maps [3] are not among the backbone's",
                () -> smallSettings(MaskRcnn.builder(small())).numClasses(3).maskHead(new OneConvMaskHead(16, 8))
                        .build());
        expectError("box_score_thresh must be in [0, 1], got 1.5", () -> FasterRcnn.builder(small()).boxScoreThresh(1.5f));
        expectError("rpn_bg_iou_thresh (0.8) must not exceed rpn_fg_iou_thresh (0.7)",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).rpnBgIouThresh(0.8f).build());
        expectError("image_mean and image_std: expected one value per channel each, got 1 and 3",
                () -> smallSettings(FasterRcnn.builder(small())).numClasses(3).imageMean(0.5f).build());
        expectError("bbox_reg_weights: expected four positive weights",
                () -> FasterRcnn.builder(small()).bboxRegWeights(1f, 1f, 1f));
        expectError("output_size must be >= 1, got 0", () -> new MultiScaleRoIAlign(List.of("0"), 0, 2));
        expectError("sizes[1]: expected as many sizes as on level 0 (1)",
                () -> new AnchorGenerator(new int[][] {{8}, {16, 32}}, AnchorGenerator.FPN_ASPECT_RATIOS));
    }

    @Test
    void aBuilderBuildsOneDetector() {
        FasterRcnn.Builder b = smallSettings(FasterRcnn.builder(small())).numClasses(3);
        GeneralizedRcnn first = b.build();
        assertFalse(first.hasMasks());
        assertSame(first.backbone(), first.get("backbone"));
        expectError("this builder has built its detector already", b::build);
    }

    private static void expectError(String message, Supplier<?> build) {
        RuntimeException e = assertThrows(RuntimeException.class, build::get);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }
}
