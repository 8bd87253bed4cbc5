package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.nn.StateEntry;

/** {@code ./rcnn4j model maskrcnn_small | fasterrcnn_small}: the small models' keys, shapes and totals. */
class SmallModelCommandTest {

    /** "key d0,d1,..." for every entry of {@code m}, in state_dict order. */
    private static List<String> keyLines(GeneralizedRcnn m) {
        List<String> out = new ArrayList<>();
        m.stateEntries().forEach((k, e) -> out.add(k + " " + shape(e)));
        return out;
    }

    private static String shape(StateEntry e) {
        StringBuilder b = new StringBuilder();
        for (int d : e.shape()) {
            b.append(b.length() == 0 ? "" : ",").append(d);
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    private static List<String> lines(Cli.Result r, boolean totals) {
        return Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("#") == totals).toList();
    }

    @Test
    void maskRcnnSmall() {
        Cli.Result r = Cli.run("model", "maskrcnn_small").assertOk();
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        assertEquals(keyLines(m), lines(r, false));
        List<String> keys = lines(r, false);
        assertEquals("backbone.body.stage1.0.weight 32,3,3,3", keys.get(0));
        assertEquals("backbone.body.stage1.1.num_batches_tracked -", keys.get(5), "scalar shape shown as -");
        assertEquals("roi_heads.mask_predictor.mask_fcn_logits.bias 11", keys.get(keys.size() - 1));
        long params = m.parameterCount();
        long buffers = m.bufferCount();
        int paramTensors = m.namedParameters().size();
        int bufferTensors = m.namedBuffers().size();
        int tensors = m.stateEntries().size();
        assertEquals(paramTensors + bufferTensors, tensors);
        assertEquals(List.of(
                "# parameters: " + params + " elements in " + paramTensors + " tensors (" + params + " trainable)",
                "# buffers: " + buffers + " elements in " + bufferTensors + " tensors",
                "# total: " + tensors + " tensors, " + (params + buffers) + " elements, " + 4 * (params + buffers)
                        + " bytes as float32"),
                lines(r, true));
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void fasterRcnnSmallWithClasses() {
        Cli.Result r = Cli.run("model", "fasterrcnn_small", "--num-classes", "4").assertOk();
        GeneralizedRcnn m = Models.fasterrcnnSmall(ModelOptions.defaults().withNumClasses(4));
        assertEquals(keyLines(m), lines(r, false));
        assertTrue(r.out().contains("roi_heads.box_predictor.bbox_pred.weight 16,256\n"), r.out());
        assertTrue(lines(r, false).stream().noneMatch(l -> l.contains("mask")));
    }

    @Test
    void smallModelsHaveNoNormChoice() {
        Cli.run("model", "maskrcnn_small", "--norm", "batch").assertUsageError("maskrcnn_small");
    }
}
