package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Buffer;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.DType;

/** Every model's state_dict keys, shapes, order, parameter/buffer split and trainable flags equal torchvision's. */
class ModelStructureTest {

    @ParameterizedTest(name = "{0} {1} classes={2} = torchvision {3}")
    @CsvSource({
            "fasterrcnn_resnet50_fpn, frozen, 0, fasterrcnn_resnet50_fpn_frozen",
            "maskrcnn_resnet50_fpn, frozen, 0, maskrcnn_resnet50_fpn_frozen",
            "fasterrcnn_resnet50_fpn, batch, 0, fasterrcnn_resnet50_fpn",
            "maskrcnn_resnet50_fpn, batch, 0, maskrcnn_resnet50_fpn",
            "maskrcnn_resnet50_fpn, frozen, 2, maskrcnn_resnet50_fpn_frozen_2classes",
            "fasterrcnn_resnet50_fpn, batch, 2, fasterrcnn_resnet50_fpn_2classes",
            "vgg16, frozen, 0, vgg16",
    })
    void layoutEqualsTorchvision(String name, String norm, int numClasses, String fixture) {
        ModelOptions o = ModelOptions.defaults().withNorm(Norm.parse(norm));
        if (numClasses > 0) {
            o = o.withNumClasses(numClasses);
        }
        Block m = Models.create(name, o);
        ModelKeysFixture want = ModelKeysFixture.load(fixture);

        List<ModelKeysFixture.Entry> got = new ArrayList<>();
        m.stateEntries().forEach((k, e) -> got.add(new ModelKeysFixture.Entry(k, shape(e), kind(e))));
        assertEquals(lines(want.entries()), lines(got), "state_dict keys, shapes and kinds in order");

        assertEquals(want.parameterElements(), m.parameterCount(), "parameter elements");
        assertEquals(want.trainableElements(), m.trainableParameterCount(), "trainable parameter elements");
        assertEquals(want.bufferElements(), m.bufferCount(), "buffer elements");
        for (StateEntry e : m.stateEntries().values()) {
            assertFalse(e.hasValue(), "building a model allocates no values");
        }
    }

    @Test
    void maskRcnnTotalsAreTorchvisionsPublishedOnes() {
        GeneralizedRcnn m = Models.maskrcnnResnet50Fpn(ModelOptions.defaults());
        assertEquals(307, m.stateEntries().size());
        assertEquals(44_401_393L, m.parameterCount());
        assertEquals(44_507_633L, m.parameterCount() + m.bufferCount());
        assertEquals(360, Models.maskrcnnResnet50Fpn(ModelOptions.defaults().withNorm(Norm.BATCH)).stateEntries()
                .size());
        assertEquals(138_357_544L, Models.vgg16(ModelOptions.defaults()).parameterCount());
    }

    @Test
    void numClassesShapesThePredictorsOnly() {
        GeneralizedRcnn two = Models.maskrcnnResnet50Fpn(ModelOptions.defaults().withNumClasses(2));
        Map<String, StateEntry> e = two.stateEntries();
        assertEquals("2,1024", shape(e.get("roi_heads.box_predictor.cls_score.weight")));
        assertEquals("8,1024", shape(e.get("roi_heads.box_predictor.bbox_pred.weight")));
        assertEquals("8", shape(e.get("roi_heads.box_predictor.bbox_pred.bias")));
        assertEquals("2,256,1,1", shape(e.get("roi_heads.mask_predictor.mask_fcn_logits.weight")));
        assertEquals(2, two.numClasses());
        assertEquals(91, Models.fasterrcnnResnet50Fpn(ModelOptions.defaults()).numClasses());
        assertEquals("10,4096", shape(Models.vgg16(ModelOptions.defaults().withNumClasses(10)).stateEntries()
                .get("classifier.6.weight")));
    }

    @Test
    void trainableBackboneLayersFreezesFromTheStem() {
        GeneralizedRcnn all = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withNorm(Norm.BATCH)
                .withTrainableBackboneLayers(5));
        assertTrue(all.namedParameters().values().stream().allMatch(Parameter::requiresGrad));
        GeneralizedRcnn none = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withTrainableBackboneLayers(0));
        Map<String, Parameter> p = none.namedParameters();
        assertTrue(p.entrySet().stream().filter(x -> x.getKey().startsWith("backbone.body."))
                .noneMatch(x -> x.getValue().requiresGrad()), "0 trainable layers freezes the whole body");
        assertTrue(p.get("backbone.fpn.inner_blocks.0.0.weight").requiresGrad(), "the FPN always learns");
        GeneralizedRcnn one = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withNorm(Norm.BATCH)
                .withTrainableBackboneLayers(1));
        Map<String, Parameter> q = one.namedParameters();
        assertTrue(q.get("backbone.body.layer4.0.conv1.weight").requiresGrad());
        assertTrue(q.get("backbone.body.layer4.0.bn1.weight").requiresGrad());
        assertFalse(q.get("backbone.body.layer3.5.conv3.weight").requiresGrad());
        assertFalse(q.get("backbone.body.bn1.weight").requiresGrad());
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.defaults().withTrainableBackboneLayers(6));
    }

    @Test
    void structureMirrorsTorchvisionsModuleTree() {
        GeneralizedRcnn m = Models.maskrcnnResnet50Fpn(ModelOptions.defaults());
        assertEquals(List.of("transform", "backbone", "rpn", "roi_heads"), List.copyOf(m.children().keySet()));
        assertEquals("MaskRCNN", m.typeName());
        assertEquals("FrozenBatchNorm2d", m.get("backbone.body.layer1.0.downsample.1").typeName());
        assertEquals("Conv2dNormActivation", m.get("rpn.head.conv.0").typeName());
        assertEquals(List.of("box_roi_pool", "box_head", "box_predictor", "mask_roi_pool", "mask_head",
                "mask_predictor"), List.copyOf(m.get("roi_heads").children().keySet()));
        assertEquals(List.of("conv5_mask", "relu", "mask_fcn_logits"),
                List.copyOf(m.get("roi_heads.mask_predictor").children().keySet()));
        assertEquals(3, m.rpn().anchorGenerator().anchorsPerLocation());
        assertEquals(800, m.config().minSize());
        assertThrows(IllegalArgumentException.class, () -> m.get("backbone.body.layer5"));
        assertThrows(IllegalArgumentException.class, () -> Models.create("resnet18", ModelOptions.defaults()));
    }

    @Test
    void batchNormTracksBatchesInAnI64Scalar() {
        GeneralizedRcnn m = Models.fasterrcnnResnet50Fpn(ModelOptions.defaults().withNorm(Norm.BATCH));
        Buffer nbt = m.namedBuffers().get("backbone.body.bn1.num_batches_tracked");
        assertEquals(DType.I64, nbt.dtype());
        assertEquals(0, nbt.shape().length);
        assertEquals(1, nbt.numel());
    }

    private static String shape(StateEntry e) {
        int[] s = e.shape();
        return s.length == 0 ? "-" : java.util.Arrays.stream(s).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
    }

    private static char kind(StateEntry e) {
        if (e instanceof Parameter p) {
            return p.requiresGrad() ? 'P' : 'F';
        }
        return 'B';
    }

    /** One string per entry, so a failure shows the first differing line. */
    private static String lines(List<ModelKeysFixture.Entry> entries) {
        return entries.stream().map(x -> x.key() + " " + x.shape() + " " + x.kind()).collect(Collectors.joining("\n"));
    }
}
