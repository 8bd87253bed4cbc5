package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.kernels.BoxCoderKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** BoxCoder decode/encode on CUDA against the CPU backend and torchvision's fixtures. */
class BoxCoderCudaTest {
    private static final float CLIP = (float) Math.log(1000.0 / 16);
    private final Backend cpu = new CpuBackend();

    @Test
    void decodeIntoAPoisonedOutputMatchesCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        float[][] weights = {{1, 1, 1, 1}, {10, 10, 5, 5}};
        for (int classes : new int[] {1, 3, 91}) {
            int k = 1 + r.random().nextInt(400);
            Tensor boxes = r.boxes(k, 800, 600, 1);
            Tensor rel = r.normal(k, 4 * classes);
            float[] d = rel.floats();
            for (int i = 2; i < d.length; i += 16) {
                d[i] *= 30; // past the clamp
            }
            float[] w = weights[classes % 2];
            String what = "decode k=" + k + " classes=" + classes + " seed=" + r.seed();
            try (Tensor db = cuda.toDevice(boxes); Tensor dr = cuda.toDevice(rel);
                    Tensor out = CudaTestSupport.poisoned(DType.F32, k, 4 * classes)) {
                BoxCoderKernels.decode(cuda.device(), dr.deviceBuffer(), db.deviceBuffer(), k, classes, w, CLIP,
                        out.deviceBuffer());
                TensorAssert.assertClose(what, cpu.boxes().decodeBoxes(rel, boxes, w, CLIP), cuda.toHost(out),
                        TensorAssert.FORWARD);
            }
        }
    }

    @Test
    void encodeIntoAPoisonedOutputMatchesCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int k = 777;
        Tensor proposals = r.boxes(k, 800, 600, 1);
        Tensor reference = r.boxes(k, 800, 600, 1);
        float[] w = {10, 10, 5, 5};
        try (Tensor dp = cuda.toDevice(proposals); Tensor dg = cuda.toDevice(reference);
                Tensor out = CudaTestSupport.poisoned(DType.F32, k, 4)) {
            BoxCoderKernels.encode(cuda.device(), dg.deviceBuffer(), dp.deviceBuffer(), k, w, out.deviceBuffer());
            TensorAssert.assertClose("encode seed=" + r.seed(), cpu.boxes().encodeBoxes(reference, proposals, w),
                    cuda.toHost(out), TensorAssert.FORWARD);
        }
    }

    @Test
    void decodeAndEncodeMatchTorchvisionFixtures() {
        CudaBackend cuda = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("boxes_coder");
        for (int i = 0; i < 2; i++) {
            String c = "decode" + i + ".";
            try (Tensor rel = cuda.toDevice(f.get(c + "rel_codes")); Tensor b = cuda.toDevice(f.get(c + "boxes"));
                    Tensor out = cuda.boxes().decodeBoxes(rel, b, f.get(c + "weights").floats(),
                            f.get(c + "bbox_xform_clip").floats()[0])) {
                TensorAssert.assertClose(c, f.get(c + "out"), cuda.toHost(out), TensorAssert.FORWARD);
            }
            String e = "encode" + i + ".";
            try (Tensor g = cuda.toDevice(f.get(e + "reference_boxes")); Tensor p = cuda.toDevice(f.get(e + "proposals"));
                    Tensor out = cuda.boxes().encodeBoxes(g, p, f.get(e + "weights").floats())) {
                TensorAssert.assertClose(e, f.get(e + "out"), cuda.toHost(out), TensorAssert.FORWARD);
            }
        }
    }

    @Test
    void badInputsNameTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        float[] w = {1, 1, 1, 1};
        try (Tensor b = cuda.toDevice(Tensor.zeros(DType.F32, 3, 4));
                Tensor rel6 = cuda.toDevice(Tensor.zeros(DType.F32, 3, 6))) {
            assertMessageLeadsWith("rel_codes", () -> cuda.boxes().decodeBoxes(rel6, b, w, CLIP));
            assertMessageLeadsWith("weights", () -> cuda.boxes().decodeBoxes(b, b, new float[] {1, 1}, CLIP));
            assertMessageLeadsWith("rel_codes", () -> cuda.boxes().decodeBoxes(Tensor.zeros(DType.F32, 3, 4), b, w,
                    CLIP));
            assertMessageLeadsWith("proposals", () -> cuda.boxes().encodeBoxes(b, rel6, w));
        }
    }
}
