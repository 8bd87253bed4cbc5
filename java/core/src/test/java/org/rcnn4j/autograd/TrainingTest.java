package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.testing.CudaTestSupport;

/** The tiny network learns on a fixed batch; CPU and CUDA (GPU or emulator) give the same losses. */
class TrainingTest {
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    static double[] train(Backend backend, int steps) {
        double[] losses = new double[steps];
        try (TinyNet net = new TinyNet(backend); Sgd opt = new Sgd(net.params(), 0.05, 0.9, 1e-4)) {
            for (int i = 0; i < steps; i++) {
                losses[i] = net.step(opt);
            }
        }
        return losses;
    }

    @Test
    void lossDecreasesOnCpu() {
        double[] l = train(new CpuBackend(), 20);
        assertTrue(l[19] < 0.5 * l[0], "loss should fall by half over 20 steps: " + Arrays.toString(l));
        for (double v : l) {
            assertTrue(Double.isFinite(v), Arrays.toString(l));
        }
    }

    @Test
    void cudaLossesEqualCpuLosses() {
        Backend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        long bytes = d.bytesInUse();
        long live = Live.tensors();
        double[] onCuda = train(cuda, 20);
        double[] onCpu = train(new CpuBackend(), 20);
        for (int i = 0; i < onCpu.length; i++) {
            assertEquals(onCpu[i], onCuda[i], 1e-4 * Math.max(1, Math.abs(onCpu[i])), "step " + i + ": cpu "
                    + Arrays.toString(onCpu) + " cuda " + Arrays.toString(onCuda));
        }
        assertTrue(onCuda[19] < 0.5 * onCuda[0], Arrays.toString(onCuda));
        d.synchronize();
        assertEquals(bytes, d.bytesInUse(), "device bytes after closing the net and the optimizer");
        assertEquals(live, Live.tensors(), "autograd tensors after closing the net and the optimizer");
    }
}
