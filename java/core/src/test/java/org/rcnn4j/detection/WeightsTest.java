package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.Sequential;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;

/** Weight files (the gen_pth.py checkpoints, both formats) checked against and loaded into a module tree. */
class WeightsTest {
    /** A module tree with the checkpoint fixture's (current) key names. */
    static final class Node extends Block {
        Node with(String name, Block m) {
            addBlock(name, m);
            return this;
        }
    }

    static Block checkpointModel() {
        return new Node()
                .with("backbone", new Node().with("body", new Node().with("conv1", new Conv2d(3, 2, 1, 1, 0, false))))
                .with("rpn", new Node().with("head", new Node().with("conv",
                        new Sequential(new Sequential(new Conv2d(2, 2, 3, 1, 1, false))))))
                .with("roi_heads", new Node().with("box_predictor", new Node().with("cls_score", new Linear(2, 3))));
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(WeightsTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void pthCheckpointsLoadWithOldNamesUpgraded() throws Exception {
        Map<String, Tensor> expected = Fixtures.load("pth_checkpoint_expected");
        for (String f : new String[] {"zip", "legacy"}) {
            Block m = checkpointModel();
            Weights.Report r = Weights.load(m, fixture("pth_checkpoint." + f + ".pth"));
            assertEquals(f.equals("zip") ? Weights.Format.PTH_ZIP : Weights.Format.PTH_LEGACY, r.file().format());
            assertEquals(1, r.renamed().size());
            assertArrayEquals(new String[] {"rpn.head.conv.weight", "rpn.head.conv.0.0.weight"}, r.renamed().get(0));
            Map<String, Tensor> sd = m.stateDict();
            assertArrayEquals(expected.get("rpn.head.conv.weight").floats(),
                    sd.get("rpn.head.conv.0.0.weight").floats());
            assertArrayEquals(expected.get("backbone.body.conv1.weight").floats(),
                    sd.get("backbone.body.conv1.weight").floats());
            assertArrayEquals(expected.get("roi_heads.box_predictor.cls_score.bias").floats(),
                    sd.get("roi_heads.box_predictor.cls_score.bias").floats());
        }
    }

    @Test
    void problemsAreListedOnePerKeyAndNothingIsLoaded() throws Exception {
        Block m = new Node()
                .with("backbone", new Node().with("body", new Node().with("conv1", new Conv2d(3, 4, 1, 1, 0, false))))
                .with("extra", new Linear(2, 2));
        Weights.Report r = Weights.check(m, Weights.read(fixture("pth_checkpoint.zip.pth")));
        assertEquals(List.of("extra.weight", "extra.bias"), r.check().missing());
        assertEquals(List.of("rpn.head.conv.0.0.weight", "roi_heads.box_predictor.cls_score.weight",
                "roi_heads.box_predictor.cls_score.bias"), r.check().unexpected());
        assertEquals(1, r.check().mismatched().size());
        assertEquals("mismatched backbone.body.conv1.weight: model F32[4, 3, 1, 1], file F32[2, 3, 1, 1]",
                r.check().problems().get(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Weights.load(m, fixture("pth_checkpoint.legacy.pth")));
        assertEquals(7, e.getMessage().split("\n").length, e.getMessage());
        assertTrue(!m.stateEntries().get("backbone.body.conv1.weight").hasValue(), "nothing loaded");
    }

    @Test
    void frozenBatchNormDropsNumBatchesTracked() throws IOException {
        Block batch = new Node().with("bn", new org.rcnn4j.nn.BatchNorm2d(3));
        batch.initialize(3);
        Block frozen = new Node().with("bn", new org.rcnn4j.nn.FrozenBatchNorm2d(3));
        Weights.WeightFile wf = new Weights.WeightFile(Path.of("mem"), Weights.Format.SAFETENSORS,
                new java.util.LinkedHashMap<>(batch.stateDict()));
        Weights.Report r = Weights.check(frozen, wf);
        assertTrue(r.fits(), r.check().problems()::toString);
        assertEquals(List.of("bn.num_batches_tracked"), r.dropped());
        frozen.loadStateDict(r.check().adapted(), true);
        assertSame(batch.stateDict().get("bn.running_var"), frozen.stateDict().get("bn.running_var"));
    }
}
