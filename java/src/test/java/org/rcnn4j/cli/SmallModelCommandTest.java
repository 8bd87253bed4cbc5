package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.models.GeneralizedRcnn;
import org.rcnn4j.models.ModelOptions;
import org.rcnn4j.models.Models;
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
        return b.toString();
    }

    private static List<String> lines(Cli.Result r, boolean totals) {
        return Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("#") == totals).toList();
    }

    @Test
    void maskRcnnSmall() {
        Cli.Result r = Cli.run("model", "maskrcnn_small").assertOk();
        GeneralizedRcnn m = Models.maskrcnnSmall(ModelOptions.defaults());
        assertEquals(keyLines(m), lines(r, false));
        assertEquals("backbone.body.stage1.0.weight 32,3,3,3", lines(r, false).get(0));
        assertEquals("roi_heads.mask_predictor.mask_fcn_logits.bias 11", lines(r, false).get(45));
        long params = m.parameterCount();
        int tensors = m.stateEntries().size();
        assertEquals(46, tensors);
        assertEquals(List.of(
                "# parameters: " + params + " elements in " + tensors + " tensors (" + params + " trainable)",
                "# buffers: 0 elements in 0 tensors",
                "# total: " + tensors + " tensors, " + params + " elements, " + 4 * params + " bytes as float32"),
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
