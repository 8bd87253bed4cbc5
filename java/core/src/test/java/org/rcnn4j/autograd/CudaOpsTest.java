package org.rcnn4j.autograd;

import static org.rcnn4j.autograd.CpuCudaCompare.compare;
import static org.rcnn4j.autograd.CpuCudaCompare.rand;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * Every op forward and backward on the CUDA backend (GPU or emulator) against the CPU backend, F32, fresh random
 * inputs (see {@link CpuCudaCompare}).
 */
class CudaOpsTest {
    private long bytesBefore;

    @BeforeEach
    void bytes() {
        bytesBefore = CudaTestSupport.device().bytesInUse();
    }

    @AfterEach
    void noDeviceLeak() {
        CudaTestSupport.device().synchronize();
        org.junit.jupiter.api.Assertions.assertEquals(bytesBefore, CudaTestSupport.device().bytesInUse(),
                "device bytes left in use");
    }

    @Test
    void elementwiseAndShapes() {
        compare("add/sub/mul", (b, v) -> Ops.sub(Ops.mul(Ops.add(v[0], v[1]), v[1]), Ops.mul(v[0], 0.5)),
                rand(1, 3, 4), rand(2, 3, 4));
        compare("relu/sigmoid/mean", (b, v) -> Ops.add(Ops.mean(Ops.relu(v[0])), Ops.sum(Ops.sigmoid(v[0]))),
                rand(3, 5, 6));
        compare("reshape/flatten/concat", (b, v) -> Ops.concat(List.of(Ops.flatten(v[0], 1), Ops.reshape(v[1], 1,
                -1))), rand(4, 2, 3, 2), rand(5, 6));
        compare("index_select", (b, v) -> Ops.indexSelect(v[0], Var.of(b, b.toDevice(Tensor.ofLongs(
                new long[] {2, 2, 0}, 3)))), rand(6, 3, 4));
    }

    @Test
    void layers() {
        compare("conv2d", (b, v) -> Nn.conv2d(v[0], v[1], v[2], Conv2dParams.of(2, 1, 1, 1)), rand(10, 2, 3, 6, 5),
                rand(11, 4, 3, 3, 3), rand(12, 4));
        compare("linear", (b, v) -> Nn.linear(v[0], v[1], v[2]), rand(13, 5, 7), rand(14, 3, 7), rand(15, 3));
        compare("max_pool2d", (b, v) -> Nn.maxPool2d(v[0], 3, 2, 1), rand(16, 2, 2, 7, 6));
        Tensor rois = Tensor.ofFloats(new float[] {0, 1.2f, 0.7f, 6.3f, 5.1f, 1, 0.1f, 2.2f, 4.9f, 7.4f}, 2, 5);
        compare("roi_align", (b, v) -> Nn.roiAlign(v[0], Var.of(b, b.toDevice(rois)), 3, 2, 0.8f, 2, true),
                rand(17, 2, 2, 7, 8));
        compare("roi_pool", (b, v) -> Nn.roiPool(v[0], Var.of(b, b.toDevice(rois)), 2, 3, 0.9f),
                rand(18, 2, 2, 7, 8));
    }

    @Test
    void detectorLayers() {
        compare("channel_affine", (b, v) -> Nn.channelAffine(v[0], v[1], v[2]), rand(30, 2, 5, 7, 6), rand(31, 5),
                rand(32, 5));
        compare("upsample_nearest", (b, v) -> Nn.upsampleNearest(v[0], 13, 9), rand(33, 2, 3, 5, 7));
        compare("upsample_nearest 2x", (b, v) -> Nn.upsampleNearest(v[0], 10, 14), rand(34, 1, 3, 5, 7));
        compare("conv_transpose2d k2 s2", (b, v) -> Nn.convTranspose2d(v[0], v[1], v[2], 2, 0, 0, 1, 1),
                rand(35, 2, 4, 5, 6), rand(36, 4, 3, 2, 2), rand(37, 3));
        compare("conv_transpose2d grouped", (b, v) -> Nn.convTranspose2d(v[0], v[1], null, 2, 1, 1, 2, 2),
                rand(38, 1, 4, 5, 4), rand(39, 4, 3, 3, 3));
        compare("batch_norm training", (b, v) -> Nn.batchNorm2d(v[0], v[1], v[2], null, null, true, 0.1, 1e-5),
                rand(40, 3, 4, 5, 6), rand(41, 4), rand(42, 4));
        compare("concat f32", (b, v) -> Ops.concat(List.of(v[0], v[1], v[0])), rand(43, 3, 2, 5), rand(44, 1, 2, 5));
        compare("index_select host index", (b, v) -> Ops.indexSelect(v[0], Var.of(b, Tensor.ofInts(
                new int[] {4, 0, 4, 4, 2}, 5))), rand(45, 6, 3, 2));
    }

    @Test
    void losses() {
        compare("smooth_l1", (b, v) -> Losses.smoothL1(v[0], v[1], 1.0 / 9, Reduction.SUM), rand(20, 4, 4),
                rand(21, 4, 4));
        compare("bce", (b, v) -> Losses.binaryCrossEntropyWithLogits(v[0], Ops.sigmoid(v[1])), rand(22, 3, 5),
                rand(23, 3, 5));
        compare("cross_entropy", (b, v) -> Losses.crossEntropy(v[0], Var.of(b, b.toDevice(Tensor.ofLongs(
                new long[] {1, 0, -100, 3}, 4)))), rand(24, 4, 5));
    }
}
