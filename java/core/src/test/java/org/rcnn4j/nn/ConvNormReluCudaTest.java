package org.rcnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.detection.backbone.Bottleneck;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * ConvNormRelu on the CUDA backend (on cuda-emu: cuDNN's stand-in) against the CPU backend's separate layers on
 * fresh random inputs and weights with non-trivial norm statistics: with cuDNN the norms fold into the convolutions
 * by default and every conv + bias + ReLU is one cudnnConvolutionBiasActivationForward; the folded arithmetic stays
 * within float32's forward tolerance (2e-5 of the output's scale: the fold rounds weight x scale to float32 once,
 * where the separate layers round the conv's outputs times scale; both are single roundings of terms of the same
 * size). The folded weights are the module's: release frees them (no device buffer left).
 */
class ConvNormReluCudaTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void foldedAndFusedOnCudnnMatchTheCpuBackend() {
        CudaBackend cuda = CudaTestSupport.backend();
        boolean cudnn = cuda.prefersFoldedBatchNorm();
        assertEquals(cuda.libraries().contains("conv2d: cuDNN"), cudnn, "folding follows cuDNN: " + cuda.libraries());
        ConvNormReluTest.models().forEach((name, make) -> {
            Block model = ConvNormReluTest.randomized(make.get(), 21);
            Tensor x = new RandomTensors(22).normal(2, ConvNormReluTest.channels(model), 11, 9);
            model.to(cpu).eval();
            Tensor want = ConvNormReluTest.separate(model, cpu, x);
            model.release();
            CudaTestSupport.assertNoLeak(name, () -> {
                model.to(cuda).eval();
                try {
                    TensorAssert.assertClose(name + " (folded: " + cudnn + ")", want, ConvNormReluTest.inference(
                            model, cuda, x), TensorAssert.FORWARD);
                    Block first = model instanceof Bottleneck ? model.get("conv1") : model.get("0");
                    if (name.contains("norm")) {
                        assertEquals(cudnn, ((Conv2d) first).currentFold() != null, name + ": folded iff on cuDNN");
                    }
                    TensorAssert.assertClose(name + " run separately on " + cuda.name(), want,
                            ConvNormReluTest.separate(model, cuda, x), TensorAssert.FORWARD);
                } finally {
                    model.release();
                }
            });
        });
    }

    @Test
    void foldingCanBeSwitchedOff() {
        CudaBackend cuda = CudaTestSupport.backend();
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "false");
        Block model = ConvNormReluTest.randomized(new Bottleneck(8, 4, 2, Norm.FROZEN), 23);
        try {
            Tensor x = new RandomTensors(24).normal(1, 8, 9, 9);
            model.to(cpu).eval();
            Tensor want = ConvNormReluTest.separate(model, cpu, x);
            model.to(cuda).eval();
            TensorAssert.assertClose("unfolded", want, ConvNormReluTest.inference(model, cuda, x), TensorAssert.FORWARD);
            assertNull(((Conv2d) model.get("conv1")).currentFold(), "not folded when switched off");
        } finally {
            ConvNormReluTest.restore(old);
            model.release();
        }
    }

    /** Bound as float64 (the gradient checks' mode), the fold is computed and applied in float64. */
    @Test
    void float64ModelsFoldInFloat64() {
        CudaBackend cuda = CudaTestSupport.backend();
        String old = System.setProperty(ConvNormRelu.FOLD_PROPERTY, "true");
        Block model = ConvNormReluTest.randomized(new Bottleneck(8, 4, 2, Norm.FROZEN), 25);
        try {
            Tensor x = toF64(new RandomTensors(26).normal(1, 8, 9, 9));
            model.to(cpu, DType.F64).eval();
            Tensor want = ConvNormReluTest.separate(model, cpu, x);
            model.to(cuda, DType.F64).eval();
            Tensor got = ConvNormReluTest.inference(model, cuda, x);
            assertEquals(DType.F64, got.dtype());
            TensorAssert.assertClose("F64 folded", want, got, 1e-10);
            assertTrue(((Conv2d) model.get("conv1")).currentFold() != null);
        } finally {
            ConvNormReluTest.restore(old);
            model.release();
        }
    }

    static Tensor toF64(Tensor t) {
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return Tensor.ofDoubles(d, t.shape());
    }
}
