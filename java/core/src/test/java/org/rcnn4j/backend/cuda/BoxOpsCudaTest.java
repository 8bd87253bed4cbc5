package org.rcnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.kernels.BoxOpsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** box_iou, clip_boxes_to_image and remove_small_boxes on CUDA against the CPU backend and torchvision. */
class BoxOpsCudaTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void boxIouIntoAPoisonedOutputMatchesCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int[] nm : new int[][] {{1, 1}, {37, 300}, {300, 5}}) {
            Tensor a = NmsCudaTest.boxesWithDegenerates(r, nm[0]);
            Tensor b = NmsCudaTest.boxesWithDegenerates(r, nm[1]);
            try (Tensor da = cuda.toDevice(a); Tensor db = cuda.toDevice(b);
                    Tensor out = CudaTestSupport.poisoned(DType.F32, nm[0], nm[1])) {
                BoxOpsKernels.boxIou(cuda.device(), da.deviceBuffer(), db.deviceBuffer(), nm[0], nm[1],
                        out.deviceBuffer());
                Tensor expected = cpu.boxes().boxIou(a, b);
                TensorAssert.assertClose("box_iou " + Arrays.toString(nm) + " seed=" + r.seed(), expected,
                        cuda.toHost(out), TensorAssert.FORWARD);
            }
        }
    }

    @Test
    void boxIouMatchesTorchvisionFixture() {
        CudaBackend cuda = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("boxes_ops");
        try (Tensor a = cuda.toDevice(f.get("iou.boxes1")); Tensor b = cuda.toDevice(f.get("iou.boxes2"));
                Tensor out = cuda.boxes().boxIou(a, b)) {
            TensorAssert.assertClose("box_iou", f.get("iou.out"), cuda.toHost(out), TensorAssert.FORWARD);
        }
    }

    @Test
    void clipIntoAPoisonedOutputMatchesCpuWithNaNsKept() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        Tensor boxes = r.uniform(-300, 900, 3, 41, 4);
        boxes.floats()[7] = Float.NaN;
        boxes.floats()[8] = Float.NEGATIVE_INFINITY;
        try (Tensor d = cuda.toDevice(boxes); Tensor out = CudaTestSupport.poisoned(DType.F32, 3, 41, 4)) {
            BoxOpsKernels.clipBoxesToImage(cuda.device(), d.deviceBuffer(), 3 * 41, 480, 640, out.deviceBuffer());
            TensorAssert.assertExact("clip seed=" + r.seed(), cpu.boxes().clipBoxesToImage(boxes, 480, 640),
                    cuda.toHost(out));
        }
        Map<String, Tensor> f = Fixtures.load("boxes_ops");
        long[] size = f.get("clip.size").longs();
        try (Tensor d = cuda.toDevice(f.get("clip.boxes"));
                Tensor out = cuda.boxes().clipBoxesToImage(d, (int) size[0], (int) size[1])) {
            TensorAssert.assertExact("clip fixture", f.get("clip.out"), cuda.toHost(out));
        }
    }

    @Test
    void removeSmallBoxesMatchesCpuAndTorchvision() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int n : new int[] {1, 1023, 1024, 1025, 5000}) {
            Tensor boxes = r.boxes(n, 20, 20, 0);
            float min = (float) r.random().nextDouble() * 10;
            try (Tensor d = cuda.toDevice(boxes); Tensor keep = CudaTestSupport.poisoned(DType.I64, n)) {
                int count = BoxOpsKernels.removeSmallBoxes(cuda.device(), d.deviceBuffer(), n, min, keep.deviceBuffer());
                long[] expected = cpu.boxes().removeSmallBoxes(boxes, min).longs();
                long[] got = cuda.toHost(keep).longs();
                String what = "remove_small n=" + n + " seed=" + r.seed();
                assertEquals(expected.length, count, what);
                TensorAssert.assertExact(what, Tensor.ofLongs(expected, count),
                        Tensor.ofLongs(Arrays.copyOf(got, count), count));
                for (int i = count; i < n; i++) {
                    assertEquals(-1L, got[i], what + ": keep[" + i + "] beyond the count was written");
                }
            }
        }
        Map<String, Tensor> f = Fixtures.load("boxes_ops");
        for (int i = 0; f.containsKey("small" + i + ".keep"); i++) {
            String c = "small" + i + ".";
            try (Tensor d = cuda.toDevice(f.get(c + "boxes"));
                    Tensor keep = cuda.boxes().removeSmallBoxes(d, f.get(c + "min_size").floats()[0])) {
                TensorAssert.assertExact(c, f.get(c + "keep"), cuda.toHost(keep));
            }
        }
    }

    @Test
    void badInputsNameTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        try (Tensor ok = cuda.toDevice(Tensor.zeros(DType.F32, 2, 4));
                Tensor bad = cuda.toDevice(Tensor.zeros(DType.F32, 2, 3))) {
            assertMessageLeadsWith("boxes1", () -> cuda.boxes().boxIou(bad, ok));
            assertMessageLeadsWith("boxes2", () -> cuda.boxes().boxIou(ok, Tensor.zeros(DType.F32, 2, 4)));
            assertMessageLeadsWith("boxes", () -> cuda.boxes().clipBoxesToImage(bad, 1, 1));
            assertMessageLeadsWith("height", () -> cuda.boxes().clipBoxesToImage(ok, -1, 1));
            assertMessageLeadsWith("boxes", () -> cuda.boxes().removeSmallBoxes(bad, 1f));
        }
    }
}
