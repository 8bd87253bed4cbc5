package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.detection.MaskRcnnHeads;
import org.rcnn4j.detection.RpnHead;
import org.rcnn4j.detection.backbone.Bottleneck;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * The detectors' Conv2d + bias + ReLU reach cuDNN's fused call at inference, once per such layer: the RPN head's
 * shared 3x3 conv, the four convs of the mask head, and each conv + frozen norm + ReLU of a ResNet bottleneck (its
 * norm folded into a bias); training (gradients wanted) makes none. Outputs match the CPU backend's separate layers.
 */
class FusedInferenceReachTest {
    private static int fusedCallsFor(CudaBackend cuda, Block model, Tensor x, boolean inference, Tensor[] out) {
        CudnnConv conv = (CudnnConv) cuda.conv();
        int before = conv.fusedCalls();
        model.to(cuda).train(!inference);
        try (Scope s = Scope.open(); Autograd.NoGrad ng = inference ? Autograd.noGrad() : null) {
            Var y = model instanceof RpnHead h ? h.forward(Var.fromHost(cuda, x))[0]
                    : ((Layer) model).forward(Var.fromHost(cuda, x));
            out[0] = Tensor.ofFloats(cuda.toHost(y.value()).floats().clone(), y.shape());
        } finally {
            model.release();
        }
        return conv.fusedCalls() - before;
    }

    @Test
    void detectorLayersReachTheFusedCall() {
        CudaBackend cuda = CudaTestSupport.backend();
        Assumptions.assumeTrue(cuda.conv() instanceof CudnnConv, "cuDNN runs conv2d here: " + cuda.libraries());
        CpuBackend cpu = new CpuBackend();
        Object[][] cases = {
                {"RPN head", new RpnHead(8, 3), 1, 8},
                {"mask head", new MaskRcnnHeads(8, new int[] {8, 8, 8, 8}), 4, 8},
                {"bottleneck", new Bottleneck(16, 4, 1, Norm.FROZEN), 2, 16}};
        for (Object[] c : cases) {
            String name = (String) c[0];
            Block model = (Block) c[1];
            model.initialize(3);
            Tensor x = new RandomTensors(4).normal(2, (int) c[3], 9, 7);
            Tensor[] got = new Tensor[1];
            assertEquals((int) c[2], fusedCallsFor(cuda, model, x, true, got), name + ": fused calls at inference");
            Tensor[] trained = new Tensor[1];
            assertEquals(0, fusedCallsFor(cuda, model, x, false, trained), name + ": none in training");
            model.to(cpu).eval();
            try (Scope s = Scope.open()) {
                Var y = model instanceof RpnHead h ? h.forward(Var.fromHost(cpu, x))[0]
                        : ((Layer) model).forward(Var.fromHost(cpu, x));
                TensorAssert.assertClose(name, y.value(), got[0], TensorAssert.FORWARD);
            } finally {
                model.release();
            }
        }
    }
}
