package org.rcnn4j.autograd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.rcnn4j.autograd.GradCheck.check;
import static org.rcnn4j.autograd.GradCheck.random;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.tensor.Tensor;

/** Every op's gradient against central finite differences, float64, CPU backend. */
class GradCheckCpuTest {
    private long liveBefore;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        org.junit.jupiter.api.Assertions.assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    private final Backend cpu = new CpuBackend();

    @Test
    void elementwise() {
        check("add", cpu, v -> Ops.add(v[0], v[1]), random(1, 3, 4), random(2, 3, 4));
        check("sub", cpu, v -> Ops.sub(v[0], v[1]), random(3, 3, 4), random(4, 3, 4));
        check("mul", cpu, v -> Ops.mul(v[0], v[1]), random(5, 2, 5), random(6, 2, 5));
        check("mul scalar", cpu, v -> Ops.mul(v[0], -2.5), random(7, 7));
        check("relu", cpu, v -> Ops.relu(v[0]), random(8, 4, 6));
        check("sigmoid", cpu, v -> Ops.sigmoid(v[0]), random(9, 4, 6));
        check("x used twice", cpu, v -> Ops.mul(Ops.add(v[0], v[0]), v[0]), random(10, 5));
    }

    @Test
    void reductionsAndShapes() {
        check("sum", cpu, v -> Ops.sum(v[0]), random(11, 3, 5));
        check("mean", cpu, v -> Ops.mean(v[0]), random(12, 3, 5));
        check("reshape", cpu, v -> Ops.sigmoid(Ops.reshape(v[0], 5, -1)), random(13, 3, 5));
        check("flatten", cpu, v -> Ops.relu(Ops.flatten(v[0], 1)), random(14, 2, 3, 2, 2));
        check("concat", cpu, v -> Ops.concat(List.of(v[0], v[1], v[0])), random(15, 2, 3), random(16, 4, 3));
        Tensor idx = Tensor.ofLongs(new long[] {3, 0, 3, 1, 3}, 5);
        check("index_select", cpu, v -> Ops.indexSelect(v[0], Var.of(cpu, idx)), random(17, 4, 2, 3));
    }

    @Test
    void conv2d() {
        check("conv2d bias stride 2 pad 1", cpu, v -> Nn.conv2d(v[0], v[1], v[2], Conv2dParams.of(2, 1, 1, 1)),
                random(20, 2, 3, 5, 6), random(21, 4, 3, 3, 3), random(22, 4));
        check("conv2d groups 2 dilation 2 no bias", cpu, v -> Nn.conv2d(v[0], v[1], null,
                new Conv2dParams(1, 2, 2, 0, 2, 1, 2)), random(23, 1, 4, 7, 5), random(24, 2, 2, 3, 2));
    }

    /** An input without requiresGrad (the images) takes the weight-and-bias-only backward. */
    @Test
    void conv2dOfAConstantInput() {
        Tensor images = random(25, 2, 3, 6, 5);
        check("conv2d constant input", cpu, v -> Nn.conv2d(Var.of(cpu, GradCheck.copy(images)), v[0], v[1],
                Conv2dParams.of(2, 1, 1, 1)), random(26, 4, 3, 3, 3), random(27, 4));
        check("conv2d constant input no bias", cpu, v -> Nn.conv2d(Var.of(cpu, GradCheck.copy(images)), v[0], null,
                Conv2dParams.of(1, 1, 1, 1)), random(28, 4, 3, 3, 3));
        try (Scope s = Scope.open()) {
            Var x = Var.of(cpu, GradCheck.copy(images));
            Var w = Var.param(cpu, random(29, 4, 3, 3, 3));
            Ops.sum(Nn.conv2d(x, w, null, Conv2dParams.of(1, 1, 1, 1))).backward();
            assertNull(x.grad(), "a constant input gets no gradient");
            assertNotNull(w.grad());
        }
    }

    @Test
    void linear() {
        check("linear", cpu, v -> Nn.linear(v[0], v[1], v[2]), random(30, 3, 5), random(31, 4, 5), random(32, 4));
        check("linear no bias", cpu, v -> Nn.linear(v[0], v[1], null), random(33, 2, 3), random(34, 6, 3));
    }

    @Test
    void roiOps() {
        Tensor rois = Tensor.ofDoubles(new double[] {0, 1.2, 0.7, 6.3, 5.1, 1, 0.1, 2.2, 4.9, 7.4, 1, -1, -2, 3,
            2.5}, 3, 5);
        check("roi_align aligned", cpu, v -> Nn.roiAlign(v[0], Var.of(cpu, rois), 3, 2, 0.8f, 2, true),
                random(40, 2, 2, 7, 8));
        check("roi_align adaptive sampling", cpu, v -> Nn.roiAlign(v[0], Var.of(cpu, rois), 2, 2, 1f, 0, false),
                random(41, 2, 2, 7, 8));
        check("roi_pool", cpu, v -> Nn.roiPool(v[0], Var.of(cpu, rois), 2, 3, 0.9f), random(42, 2, 2, 7, 8));
    }

    @Test
    void maxPool() {
        check("max_pool2d 3/2/1", cpu, v -> Nn.maxPool2d(v[0], 3, 2, 1), random(50, 2, 2, 7, 6));
        check("max_pool2d 2/2/0", cpu, v -> Nn.maxPool2d(v[0], 2, 2, 0), random(51, 1, 3, 4, 5));
    }

    @Test
    void losses() {
        check("smooth_l1 sum", cpu, v -> Losses.smoothL1(v[0], v[1], 1.0 / 9, Reduction.SUM),
                random(60, 4, 4), random(61, 4, 4));
        check("smooth_l1 mean beta 1", cpu, v -> Losses.smoothL1(v[0], v[1], 1.0, Reduction.MEAN),
                random(62, 4, 4), random(63, 4, 4));
        Tensor probs = Tensor.ofDoubles(new double[] {0, 1, 0.3, 0.9, 1, 0, 0.5, 0.2}, 2, 4);
        check("bce with logits", cpu, v -> Losses.binaryCrossEntropyWithLogits(v[0], v[1]), random(64, 2, 4), probs);
        Tensor targets = Tensor.ofLongs(new long[] {2, -100, 0, 4}, 4);
        check("cross_entropy", cpu, v -> Losses.crossEntropy(v[0], Var.of(cpu, targets)), random(65, 4, 5));
    }
}
