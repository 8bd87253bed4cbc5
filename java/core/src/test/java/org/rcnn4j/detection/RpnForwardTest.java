package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.testing.Inference;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** RegionProposalNetwork inference (head, anchors, filter) against torchvision's (fixture from gen_rpn_forward.py). */
class RpnForwardTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void proposalsMatchTorchvision() {
        Map<String, Tensor> f = Fixtures.load("rpn_forward");
        RegionProposalNetwork rpn = new RegionProposalNetwork(new AnchorGenerator(new int[][] {{8}, {16}},
                new float[] {0.5f, 1f, 2f}), new RpnHead(4, 3));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        f.forEach((k, v) -> {
            if (k.startsWith("head.")) {
                sd.put(k, v);
            }
        });
        rpn.loadStateDict(sd, true);
        long[] bs = f.get("batch_shape").longs();
        long[] sz = f.get("image_sizes").longs();
        ImageList il = new ImageList(Tensor.zeros(DType.F32, 2, 3, (int) bs[0], (int) bs[1]),
                new int[][] {{(int) sz[0], (int) sz[1]}, {(int) sz[2], (int) sz[3]}});
        ProposalFilter.Settings settings = new ProposalFilter.Settings(30, 20, 0.7f, 0f, 1e-3f);
        List<ProposalFilter.Proposals> out;
        try (Inference run = Inference.on(cpu, rpn)) {
            out = rpn.proposals(rpn.heads(il, List.of(run.input(f.get("feat0")), run.input(f.get("feat1")))), il,
                    settings);
        }
        assertEquals(2, out.size());
        for (int i = 0; i < 2; i++) {
            Tensor e = f.get("boxes" + i);
            assertArrayEquals(e.shape(), out.get(i).boxes().shape(), "image " + i);
            TensorAssert.assertClose("boxes" + i, e, out.get(i).boxes(), TensorAssert.FORWARD);
        }
        try (Inference run = Inference.on(cpu, rpn)) {
            assertThrows(IllegalArgumentException.class, () -> rpn.heads(il, List.of(run.input(f.get("feat0")))));
        }
    }
}
