package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * The proposal filter on the CUDA backend (inputs and outputs on the device) against the CPU backend, on fresh
 * random inputs, leaving no device buffer open.
 */
class ProposalFilterCudaTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void cudaMatchesCpuAndLeavesNoBuffers() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int trial = 0; trial < 3; trial++) {
            int[] levels = {1 + r.random().nextInt(300), 1 + r.random().nextInt(100), 1 + r.random().nextInt(30)};
            int a = levels[0] + levels[1] + levels[2];
            int n = 1 + r.random().nextInt(3);
            int[][] sizes = new int[n][];
            for (int i = 0; i < n; i++) {
                sizes[i] = new int[] {20 + r.random().nextInt(200), 20 + r.random().nextInt(200)};
            }
            Tensor anchors = r.boxes(a, 220, 220, 0.5f);
            Tensor deltas = r.normal(n, a, 4);
            Tensor logits = r.normal(n, a);
            ProposalFilter.Settings s = new ProposalFilter.Settings(1 + r.random().nextInt(120),
                    1 + r.random().nextInt(200), 0.7f, trial == 2 ? 0.4f : 0f, 1e-3f);
            String what = "trial " + trial + " seed " + r.seed();
            List<ProposalFilter.Proposals> expected = ProposalFilter.filter(cpu, anchors, deltas, logits, levels,
                    sizes, s);
            List<ProposalFilter.Proposals> actual = new ArrayList<>();
            // inputs and outputs on the device; the outputs are read back and closed, so nothing may stay open
            CudaTestSupport.assertNoLeak(what, () -> {
                try (Tensor da = cuda.toDevice(anchors); Tensor dd = cuda.toDevice(deltas);
                        Tensor dl = cuda.toDevice(logits)) {
                    for (ProposalFilter.Proposals p : ProposalFilter.filter(cuda, da, dd, dl, levels, sizes, s)) {
                        try (Tensor b = p.boxes(); Tensor sc = p.scores()) {
                            actual.add(new ProposalFilter.Proposals(cuda.toHost(b), cuda.toHost(sc)));
                        }
                    }
                }
            });
            for (int i = 0; i < n; i++) {
                assertArrayEquals(expected.get(i).boxes().shape(), actual.get(i).boxes().shape(), what + " count");
                TensorAssert.assertClose(what + " boxes", expected.get(i).boxes(), actual.get(i).boxes(),
                        TensorAssert.FORWARD);
                TensorAssert.assertClose(what + " scores", expected.get(i).scores(), actual.get(i).scores(),
                        TensorAssert.FORWARD);
            }
        }
    }
}
