package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Inference;

/**
 * The small detectors' layout: torchvision's detector key names around SmallBackbone, sizes derived from the
 * architecture (widths, batch norms, FPN channels, anchors per location, RoI resolutions, classes), all parameters
 * trainable, the batch norms' statistics as buffers; and the feature maps a 128x128 scene gives.
 */
class SmallModelStructureTest {

    /** Expected (key, shape) in state_dict order, built from the architecture description. */
    private static LinkedHashMap<String, String> expected(boolean masks, int classes) {
        LinkedHashMap<String, String> e = new LinkedHashMap<>();
        int in = 3;
        for (int s = 0; s < SmallBackbone.WIDTHS.length; s++) {
            int w = SmallBackbone.WIDTHS[s];
            String p = "backbone.body.stage" + (s + 1) + ".";
            // conv (no bias) + BatchNorm2d + ReLU, twice
            for (int k = 0; k < 2; k++) {
                e.put(p + 3 * k + ".weight", w + "," + (k == 0 ? in : w) + ",3,3");
                for (String bn : new String[] {"weight", "bias", "running_mean", "running_var"}) {
                    e.put(p + (3 * k + 1) + "." + bn, "" + w);
                }
                e.put(p + (3 * k + 1) + ".num_batches_tracked", "");
            }
            in = w;
        }
        int c = 64;
        int[] taps = {SmallBackbone.WIDTHS[1], SmallBackbone.WIDTHS[2], SmallBackbone.WIDTHS[3]};
        for (int l = 0; l < taps.length; l++) {
            e.put("backbone.fpn.inner_blocks." + l + ".0.weight", c + "," + taps[l] + ",1,1");
            e.put("backbone.fpn.inner_blocks." + l + ".0.bias", "" + c);
        }
        for (int l = 0; l < taps.length; l++) {
            e.put("backbone.fpn.layer_blocks." + l + ".0.weight", c + "," + c + ",3,3");
            e.put("backbone.fpn.layer_blocks." + l + ".0.bias", "" + c);
        }
        int a = 3; // one size per level, three aspect ratios
        e.put("rpn.head.conv.0.0.weight", c + "," + c + ",3,3");
        e.put("rpn.head.conv.0.0.bias", "" + c);
        e.put("rpn.head.cls_logits.weight", a + "," + c + ",1,1");
        e.put("rpn.head.cls_logits.bias", "" + a);
        e.put("rpn.head.bbox_pred.weight", 4 * a + "," + c + ",1,1");
        e.put("rpn.head.bbox_pred.bias", "" + 4 * a);
        int rep = 256;
        e.put("roi_heads.box_head.fc6.weight", rep + "," + c * 7 * 7);
        e.put("roi_heads.box_head.fc6.bias", "" + rep);
        e.put("roi_heads.box_head.fc7.weight", rep + "," + rep);
        e.put("roi_heads.box_head.fc7.bias", "" + rep);
        e.put("roi_heads.box_predictor.cls_score.weight", classes + "," + rep);
        e.put("roi_heads.box_predictor.cls_score.bias", "" + classes);
        e.put("roi_heads.box_predictor.bbox_pred.weight", 4 * classes + "," + rep);
        e.put("roi_heads.box_predictor.bbox_pred.bias", "" + 4 * classes);
        if (masks) {
            for (int l = 0; l < 2; l++) {
                e.put("roi_heads.mask_head." + l + ".0.weight", "64," + c + ",3,3");
                e.put("roi_heads.mask_head." + l + ".0.bias", "64");
            }
            e.put("roi_heads.mask_predictor.conv5_mask.weight", "64,64,2,2");
            e.put("roi_heads.mask_predictor.conv5_mask.bias", "64");
            e.put("roi_heads.mask_predictor.mask_fcn_logits.weight", classes + ",64,1,1");
            e.put("roi_heads.mask_predictor.mask_fcn_logits.bias", "" + classes);
        }
        return e;
    }

    private static LinkedHashMap<String, String> actual(GeneralizedRcnn m) {
        LinkedHashMap<String, String> got = new LinkedHashMap<>();
        m.stateEntries().forEach((k, e) -> got.put(k, shape(e)));
        return got;
    }

    static String shape(StateEntry e) {
        StringBuilder b = new StringBuilder();
        for (int d : e.shape()) {
            b.append(b.length() == 0 ? "" : ",").append(d);
        }
        return b.toString();
    }

    private static long elements(Map<String, String> layout) {
        long n = 0;
        for (String s : layout.values()) {
            long p = 1;
            for (String d : s.isEmpty() ? new String[0] : s.split(",")) {
                p *= Long.parseLong(d);
            }
            n += p;
        }
        return n;
    }

    @Test
    void maskRcnnSmallLayout() {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        LinkedHashMap<String, String> want = expected(true, Models.SMALL_NUM_CLASSES);
        assertEquals(new ArrayList<>(want.entrySet()), new ArrayList<>(actual(m).entrySet()));
        assertEquals(elements(want), m.parameterCount() + m.bufferCount());
        assertEquals(m.parameterCount(), m.trainableParameterCount(), "everything trains (no frozen layers)");
        long bnChannels = 0;
        for (int w : SmallBackbone.WIDTHS) {
            bnChannels += 2 * w;
        }
        assertEquals(2 * bnChannels + 8, m.bufferCount(), "running mean and variance of the 8 batch norms, and "
                + "their num_batches_tracked");
        assertEquals("MaskRCNN", m.typeName());
        assertTrue(m.hasMasks());
        for (Map.Entry<String, StateEntry> en : m.stateEntries().entrySet()) {
            StateEntry e = en.getValue();
            boolean buffer = en.getKey().contains("running_") || en.getKey().endsWith("num_batches_tracked");
            assertEquals(!buffer, e instanceof Parameter, en.getKey());
            assertEquals(en.getKey().endsWith("num_batches_tracked") ? DType.I64 : DType.F32, e.dtype(), en.getKey());
            assertFalse(e.hasValue(), "building a model allocates no values");
        }
        assertTrue(((GeneralizedRcnn) Models.create(Models.MASKRCNN_SMALL, ModelOptions.defaults())).hasMasks());
        assertFalse(((GeneralizedRcnn) Models.create(Models.FASTERRCNN_SMALL, ModelOptions.defaults())).hasMasks());
    }

    @Test
    void smallSettingsAreTorchvisionsButWhereTheLayoutSays() {
        RcnnConfig want = RcnnConfig.torchvisionDefaults().toBuilder()
                .minSize(128).maxSize(213)
                .rpnPreNmsTopNTrain(1000).rpnPreNmsTopNTest(500).rpnPostNmsTopNTrain(500).rpnPostNmsTopNTest(300)
                .rpnBatchSizePerImage(128).boxBatchSizePerImage(64)
                .rpnNmsThresh(0.9f).boxNmsThresh(0.4f).boxRefinements(1)
                .build();
        assertEquals(want.toString(), Models.maskrcnnSmall(ModelOptions.defaults()).config().toString());
        assertEquals(want.toString(), Models.fasterrcnnSmall(ModelOptions.defaults()).config().toString());
        // Fast R-CNN takes its proposals from outside: neither NMS threshold nor the refinement was measured for it
        assertEquals(want.toBuilder().rpnNmsThresh(0.7f).boxNmsThresh(0.5f).boxRefinements(0).build().toString(),
                FastRcnn.small(10).config().toString());
    }

    @Test
    void fasterRcnnSmallIsMaskRcnnSmallWithoutTheMaskBranch() {
        GeneralizedRcnn f = Models.fasterrcnnSmall(ModelOptions.defaults());
        assertEquals(new ArrayList<>(expected(false, 11).entrySet()), new ArrayList<>(actual(f).entrySet()));
        assertEquals("FasterRCNN", f.typeName());
        assertFalse(f.hasMasks());
        LinkedHashMap<String, String> mask = actual(Models.maskrcnnSmall(ModelOptions.defaults()));
        mask.keySet().removeIf(k -> k.startsWith("roi_heads.mask_"));
        assertEquals(mask, actual(f));
    }

    @Test
    void numClassesShapesThePredictorsOnly() {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults().withNumClasses(3));
        assertEquals(new ArrayList<>(expected(true, 3).entrySet()), new ArrayList<>(actual(m).entrySet()));
        assertEquals(3, m.numClasses());
    }

    @Test
    void initializationIsSeededAndFollowsTheInitRules() {
        GeneralizedRcnn a = Models.maskrcnnSmall(ModelOptions.defaults());
        a.initialize(7);
        GeneralizedRcnn b = Models.maskrcnnSmall(ModelOptions.defaults());
        b.initialize(7);
        a.stateDict().forEach((k, t) -> {
            if (t.dtype() == DType.F32) {
                assertArrayEquals(t.floats(), b.stateDict().get(k).floats(), k);
            }
        });
        // the backbone's convs: kaiming normal (fan out, relu) weights; batch norms start as the identity
        Map<String, Tensor> sd = a.stateDict();
        for (float v : sd.get("backbone.body.stage1.1.weight").floats()) {
            assertEquals(1f, v);
        }
        float[] w = sd.get("backbone.body.stage2.3.weight").floats(); // 64x64x3x3: std sqrt(2 / (64*9))
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        double std = Math.sqrt(sq / w.length);
        assertEquals(Math.sqrt(2.0 / (64 * 9)), std, 0.05 * std);
    }

    @Test
    void backboneFeatureMapsOfA128Scene() {
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        m.initialize(1);
        try (Inference inf = Inference.on(new CpuBackend(), m)) {
            LinkedHashMap<String, Var> f = m.backbone().forward(inf.input(Tensor.zeros(DType.F32, 2, 3, 128,
                    128)));
            assertEquals(List.of("0", "1", "2", "pool"), new ArrayList<>(f.keySet()));
            assertArrayEquals(new int[] {2, 64, 32, 32}, f.get("0").shape());
            assertArrayEquals(new int[] {2, 64, 16, 16}, f.get("1").shape());
            assertArrayEquals(new int[] {2, 64, 8, 8}, f.get("2").shape());
            assertArrayEquals(new int[] {2, 64, 4, 4}, f.get("pool").shape());
            // the RPN reads strides 8..32, the RoI heads strides 4 and 8
            assertEquals(List.of("1", "2", "pool"), m.rpnFeatureNames());
            assertEquals(List.of("0", "1"), m.roiHeads().boxRoiPool().featureNames());
            assertEquals(List.of("0", "1"), m.roiHeads().maskRoiPool().featureNames());
            assertEquals(List.of("0", "1", "2", "pool"), ((SmallBackbone) m.backbone()).featureNames());
        }
    }
}
