package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.detection.backbone.FeaturePyramidNetwork;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.detection.backbone.ResNetBody;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.Tensor;

/** The pre-version-2 key names of torchvision's 2019 COCO checkpoints map to today's. */
class LegacyKeysTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "backbone.fpn.inner_blocks.0.weight, backbone.fpn.inner_blocks.0.0.weight",
            "backbone.fpn.inner_blocks.3.bias, backbone.fpn.inner_blocks.3.0.bias",
            "backbone.fpn.layer_blocks.2.weight, backbone.fpn.layer_blocks.2.0.weight",
            "rpn.head.conv.weight, rpn.head.conv.0.0.weight",
            "rpn.head.conv.bias, rpn.head.conv.0.0.bias",
            "roi_heads.mask_head.mask_fcn1.weight, roi_heads.mask_head.0.0.weight",
            "roi_heads.mask_head.mask_fcn4.bias, roi_heads.mask_head.3.0.bias",
            // already current, or never renamed
            "backbone.fpn.inner_blocks.0.0.weight, backbone.fpn.inner_blocks.0.0.weight",
            "rpn.head.conv.0.0.weight, rpn.head.conv.0.0.weight",
            "rpn.head.cls_logits.weight, rpn.head.cls_logits.weight",
            "roi_heads.mask_head.0.0.weight, roi_heads.mask_head.0.0.weight",
            "roi_heads.mask_predictor.conv5_mask.weight, roi_heads.mask_predictor.conv5_mask.weight",
            "backbone.body.layer1.0.conv1.weight, backbone.body.layer1.0.conv1.weight",
            "backbone.body.layer1.0.downsample.0.weight, backbone.body.layer1.0.downsample.0.weight",
            "roi_heads.box_head.fc6.weight, roi_heads.box_head.fc6.weight",
    })
    void upgradesOneKey(String old, String current) {
        assertEquals(current, LegacyKeys.upgrade(old));
    }

    /** The whole Mask R-CNN layout written the old way (section 2 of the reference) upgrades to torchvision's. */
    @Test
    void oldMaskRcnnLayoutUpgradesToTheCurrentOne() {
        List<String> current = ModelKeysFixture.load("maskrcnn_resnet50_fpn_frozen").entries().stream()
                .map(ModelKeysFixture.Entry::key).toList();
        Map<String, String> old = new LinkedHashMap<>();
        int renamed = 0;
        for (String k : current) {
            String o = k.replaceAll("^(backbone\\.fpn\\.(inner|layer)_blocks\\.\\d+)\\.0\\.", "$1.")
                    .replace("rpn.head.conv.0.0.", "rpn.head.conv.");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^roi_heads\\.mask_head\\.(\\d)\\.0\\.(.*)")
                    .matcher(o);
            if (m.matches()) {
                o = "roi_heads.mask_head.mask_fcn" + (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2);
            }
            renamed += o.equals(k) ? 0 : 1;
            old.put(o, k);
        }
        assertEquals(8 * 2 + 2 + 4 * 2, renamed, "FPN 16, RPN 2 and mask head 8 keys have old names");
        assertEquals(current, List.copyOf(LegacyKeys.upgrade(old).keySet()), "upgraded keys, order kept");
        LegacyKeys.upgrade(old).forEach((k, v) -> assertEquals(v, k));
    }

    @Test
    void aFileWithBothNamesIsRejected() {
        Map<String, Integer> both = new LinkedHashMap<>();
        both.put("rpn.head.conv.0.0.weight", 1);
        both.put("rpn.head.conv.weight", 2);
        assertThrows(IllegalArgumentException.class, () -> LegacyKeys.upgrade(both));
    }

    /** Loading applies the renames module by module, as torchvision's _load_from_state_dict does. */
    @Test
    void loadStateDictAcceptsOldNamesInTheHeads() {
        Block rpnHead = new RpnHead(8, 3);
        Block maskHead = new MaskRcnnHeads(8, new int[] {8, 8});
        Block fpn = new FeaturePyramidNetwork(new int[] {4, 8}, 8);
        for (Block m : List.of(rpnHead, maskHead, fpn)) {
            Block fresh = m instanceof RpnHead ? new RpnHead(8, 3)
                    : m instanceof MaskRcnnHeads ? new MaskRcnnHeads(8, new int[] {8, 8})
                    : new FeaturePyramidNetwork(new int[] {4, 8}, 8);
            fresh.initialize(7);
            Map<String, Tensor> oldNames = new LinkedHashMap<>();
            fresh.stateDict().forEach((k, v) -> oldNames.put(downgrade(m, k), v));
            assertTrue(!oldNames.keySet().equals(fresh.stateDict().keySet()), "some names are old");
            Block.LoadResult r = m.loadStateDict(oldNames, true);
            assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty(), r.toString());
            fresh.stateDict().forEach((k, v) -> assertSame(v, m.stateEntries().get(k).value(), k));
        }
    }

    private static String downgrade(Block m, String k) {
        if (m instanceof RpnHead) {
            return k.replace("conv.0.0.", "conv.");
        }
        if (m instanceof MaskRcnnHeads) {
            return java.util.regex.Pattern.compile("^(\\d+)\\.0\\.").matcher(k)
                    .replaceFirst(r -> "mask_fcn" + (Integer.parseInt(r.group(1)) + 1) + ".");
        }
        return k.replaceAll("^((inner|layer)_blocks\\.\\d+)\\.0\\.", "$1.");
    }

    @Test
    void frozenBatchNormDropsNumBatchesTrackedOnLoad() {
        Block frozen = new ResNetBody(Norm.FROZEN, 3);
        Block batch = new ResNetBody(Norm.BATCH, 5);
        // A BatchNorm2d checkpoint (running stats and affine terms as F32, plus num_batches_tracked) loads into
        // the frozen body; small fake values stand in for the 25M-element trunk.
        Map<String, Tensor> sd = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(3);
        for (Map.Entry<String, StateEntry> e : batch.stateEntries().entrySet()) {
            if (e.getKey().contains("bn") || e.getKey().contains("downsample.1")) {
                e.getValue().initialize(rng);
                sd.put(e.getKey(), e.getValue().value());
            }
        }
        Block.LoadResult r = frozen.loadStateDict(sd, false);
        assertTrue(r.unexpectedKeys().isEmpty(), () -> "num_batches_tracked dropped: " + r.unexpectedKeys());
        assertTrue(r.missingKeys().stream().allMatch(k -> k.endsWith("conv1.weight") || k.endsWith("conv2.weight")
                || k.endsWith("conv3.weight") || k.endsWith("downsample.0.weight")), r.missingKeys()::toString);
    }
}
