package org.rcnn4j.autograd;

import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageNames;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** Bad shapes and arguments of the detector layer ops and their backend ops: IllegalArgumentException naming them. */
class LayerOpsArgumentsTest {
    private final Backend cpu = new CpuBackend();
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    private Var v(int... shape) {
        return Var.param(cpu, Tensor.zeros(org.rcnn4j.tensor.DType.F32, shape));
    }

    @Test
    void channelAffine() {
        try (Scope s = Scope.open()) {
            assertMessageLeadsWith("scale", () -> Nn.channelAffine(v(2, 3, 4, 4), v(4), v(3)));
            assertMessageLeadsWith("shift", () -> Nn.channelAffine(v(2, 3, 4, 4), v(3), v(3, 1)));
            assertMessageLeadsWith("input", () -> Nn.channelAffine(v(3), v(3), v(3)));
            assertMessageNames("scale", () -> Nn.channelAffine(v(2, 3, 4, 4), null, v(3)));
            assertMessageLeadsWith("scale", () -> Nn.channelAffine(v(2, 3), Var.of(cpu, Tensor.zeros(
                    org.rcnn4j.tensor.DType.F64, 3)), null));
            assertMessageLeadsWith("other", () -> cpu.channels().channelSum(v(2, 3).value(), v(3, 2).value()));
        }
    }

    @Test
    void upsampleNearest() {
        try (Scope s = Scope.open()) {
            assertMessageLeadsWith("size", () -> Nn.upsampleNearest(v(1, 2, 3, 3), 0, 4));
            assertMessageLeadsWith("input", () -> Nn.upsampleNearest(v(2, 3, 3), 4, 4));
            assertMessageLeadsWith("input", () -> Nn.upsampleNearest(v(1, 2, 0, 3), 4, 4));
            assertMessageLeadsWith("grad_output", () -> cpu.channels().upsampleNearestBackward(v(1, 3, 4, 4).value(),
                    new int[] {1, 2, 2, 2}));
        }
    }

    @Test
    void convTranspose2d() {
        try (Scope s = Scope.open()) {
            assertMessageNames("output_padding", () -> Nn.convTranspose2d(v(1, 4, 3, 3), v(4, 2, 2, 2), null, 2, 0, 2,
                    1, 1));
            assertMessageNames("weight", () -> Nn.convTranspose2d(v(1, 4, 3, 3), v(3, 2, 2, 2), null, 2, 0, 0, 1, 1));
            assertMessageNames("groups", () -> Nn.convTranspose2d(v(1, 4, 3, 3), v(4, 2, 2, 2), null, 2, 0, 0, 1,
                    3));
            assertMessageNames("bias", () -> Nn.convTranspose2d(v(1, 4, 3, 3), v(4, 2, 2, 2), v(3), 2, 0, 0, 1, 1));
            assertMessageNames("output size", () -> Nn.convTranspose2d(v(1, 4, 1, 1), v(4, 2, 1, 1), null, 1, 1, 0,
                    1, 1));
            assertMessageNames("input", () -> Nn.convTranspose2d(v(4, 3, 3), v(4, 2, 2, 2), null, 2, 0, 0, 1, 1));
            assertMessageLeadsWith("grad_output", () -> cpu.conv().conv2dGradInput(v(1, 4, 3, 3).value(),
                    v(4, 2, 2, 2).value(), new int[] {1, 2, 5, 5}, Conv2dParams.of(2, 0, 1, 1)));
        }
    }

    @Test
    void batchNorm() {
        try (Scope s = Scope.open()) {
            assertMessageNames("more than 1 value per channel", () -> Nn.batchNorm2d(v(1, 3, 1, 1), null, null, null,
                    null, true, 0.1, 1e-5));
            assertMessageNames("running_mean", () -> Nn.batchNorm2d(v(2, 3, 2, 2), null, null, null, null, false,
                    0.1, 1e-5));
            assertMessageNames("weight", () -> Nn.batchNorm2d(v(2, 3, 2, 2), v(4), null, null, null, true, 0.1,
                    1e-5));
            assertMessageNames("running_var", () -> Nn.batchNorm2d(v(2, 3, 2, 2), null, null, v(3).value(),
                    v(2).value(), true, 0.1, 1e-5));
            assertMessageNames("eps", () -> Nn.batchNorm2d(v(2, 3, 2, 2), null, null, null, null, true, 0.1, 0));
        }
    }
}
