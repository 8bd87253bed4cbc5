package org.rcnn4j.autograd;

import static org.rcnn4j.autograd.GradCheck.check;
import static org.rcnn4j.autograd.GradCheck.random;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * Finite-difference gradients (float64) of channel_affine, upsample_nearest, conv_transpose2d and batch_norm, on
 * the CPU backend and on the CUDA backend (GPU or emulator; its F64 kernels).
 */
class LayerGradCheckTest {
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    @Test
    void cpu() {
        all(new CpuBackend());
    }

    @Test
    void cuda() {
        all(CudaTestSupport.backend());
    }

    private static void all(Backend b) {
        String on = b.name() + ": ";
        check(on + "channel_affine", b, v -> Nn.channelAffine(v[0], v[1], v[2]), random(1, 2, 3, 4, 5),
                random(2, 3), random(3, 3));
        check(on + "channel_affine no shift, 2-d input", b, v -> Nn.channelAffine(v[0], v[1], null),
                random(4, 5, 3), random(5, 3));
        check(on + "upsample_nearest non-integer ratios", b, v -> Nn.upsampleNearest(v[0], 7, 5),
                random(6, 2, 2, 3, 4));
        check(on + "upsample_nearest 2x", b, v -> Nn.upsampleNearest(v[0], 6, 8), random(7, 1, 2, 3, 4));
        check(on + "upsample_nearest shrink", b, v -> Nn.upsampleNearest(v[0], 2, 3), random(8, 1, 2, 5, 7));
        check(on + "conv_transpose2d k2 s2 bias", b, v -> Nn.convTranspose2d(v[0], v[1], v[2], 2, 0, 0, 1, 1),
                random(9, 2, 3, 3, 4), random(10, 3, 2, 2, 2), random(11, 2));
        check(on + "conv_transpose2d groups 2 pad 1 out_pad 1 dil 2 no bias", b, v -> Nn.convTranspose2d(v[0], v[1],
                null, 2, 1, 1, 2, 2), random(12, 1, 4, 3, 3), random(13, 4, 1, 3, 3));
        check(on + "conv_transpose2d stride 3 out_pad 2", b, v -> Nn.convTranspose2d(v[0], v[1], v[2], 3, 1, 2, 1,
                1), random(14, 1, 2, 3, 2), random(15, 2, 3, 3, 2), random(16, 3));
        Tensor rm = b.toDevice(random(17, 3));
        Tensor rv = b.toDevice(Tensor.ofDoubles(new double[] {0.5, 1.5, 2.0}, 3));
        try {
            check(on + "batch_norm training", b, v -> Nn.batchNorm2d(v[0], v[1], v[2], null, null, true, 0.1, 1e-5),
                    random(18, 2, 3, 2, 3), random(19, 3), random(20, 3));
            check(on + "batch_norm training no affine", b, v -> Nn.batchNorm2d(v[0], null, null, null, null, true,
                    0.1, 1e-5), random(21, 3, 3, 2, 2));
            check(on + "batch_norm training bias only", b, v -> Nn.batchNorm2d(v[0], null, v[1], null, null, true,
                    0.1, 1e-5), random(22, 3, 3, 2, 2), random(23, 3));
            check(on + "batch_norm eval", b, v -> Nn.batchNorm2d(v[0], v[1], v[2], rm, rv, false, 0.1, 1e-5),
                    random(24, 2, 3, 2, 3), random(25, 3), random(26, 3));
        } finally {
            rm.close();
            rv.close();
        }
        check(on + "concat", b, v -> Ops.concat(List.of(v[0], v[1], v[0])), random(27, 2, 3), random(28, 4, 3));
        check(on + "index_select", b, v -> Ops.indexSelect(v[0], Var.of(b, b.toDevice(Tensor.ofLongs(
                new long[] {3, 0, 3, 1, 3}, 5)))), random(29, 4, 2, 3));
    }
}
