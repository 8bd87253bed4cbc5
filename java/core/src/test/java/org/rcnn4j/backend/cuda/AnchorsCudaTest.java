package org.rcnn4j.backend.cuda;

import static org.rcnn4j.testing.ArgumentAssert.assertMessageLeadsWith;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.AnchorsKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/** AnchorGenerator on CUDA, bit for bit against torchvision's fixtures and the CPU backend. */
class AnchorsCudaTest {
    private final Backend cpu = new CpuBackend();

    @Test
    void anchorsMatchTorchvisionFixtures() {
        CudaBackend cuda = CudaTestSupport.backend();
        Map<String, Tensor> f = Fixtures.load("boxes_anchors");
        for (int i = 0; f.containsKey("case" + i + ".anchors"); i++) {
            String c = "case" + i + ".";
            int[] sizes = Arrays.stream(f.get(c + "sizes").longs()).mapToInt(v -> (int) v).toArray();
            long[] image = f.get(c + "image_size").longs();
            long[] feature = f.get(c + "feature_size").longs();
            try (Tensor a = cuda.boxes().anchors(sizes, f.get(c + "aspect_ratios").floats(), (int) image[0],
                    (int) image[1], (int) feature[0], (int) feature[1])) {
                TensorAssert.assertExact(c, f.get(c + "anchors"), cuda.toHost(a));
            }
        }
    }

    /** All levels in one call: each level on the device, end to end, bit for bit the CPU's. */
    @Test
    void anchorsForLevelsMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        int[][] sizes = {{1 + r.random().nextInt(64)}, {1 + r.random().nextInt(128), 200}, {300}};
        float[] ratios = {0.5f, 1f, 0.1f + (float) r.random().nextDouble() * 3};
        int[] fh = {1 + r.random().nextInt(40), 1 + r.random().nextInt(20), 1 + r.random().nextInt(10)};
        int[] fw = {1 + r.random().nextInt(40), 1 + r.random().nextInt(20), 1 + r.random().nextInt(10)};
        Tensor want = cpu.boxes().anchorsForLevels(sizes, ratios, 480, 640, fh, fw);
        try (Tensor got = cuda.boxes().anchorsForLevels(sizes, ratios, 480, 640, fh, fw)) {
            TensorAssert.assertExact("anchorsForLevels seed=" + r.seed(), want, cuda.toHost(got));
        }
    }

    /** Random sizes, ratios and grids into a poisoned output. */
    @Test
    void anchorsIntoAPoisonedOutputMatchCpu() {
        CudaBackend cuda = CudaTestSupport.backend();
        RandomTensors r = new RandomTensors();
        for (int round = 0; round < 6; round++) {
            int[] sizes = new int[1 + r.random().nextInt(3)];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = 1 + r.random().nextInt(600);
            }
            float[] ratios = new float[1 + r.random().nextInt(4)];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = 0.1f + (float) r.random().nextDouble() * 4;
            }
            int fh = 1 + r.random().nextInt(40), fw = 1 + r.random().nextInt(40);
            int ih = fh * (1 + r.random().nextInt(70)) + r.random().nextInt(fh);
            int iw = fw * (1 + r.random().nextInt(70)) + r.random().nextInt(fw);
            int a = sizes.length * ratios.length;
            String what = "anchors sizes=" + Arrays.toString(sizes) + " ratios=" + Arrays.toString(ratios) + " image="
                    + ih + "x" + iw + " feature=" + fh + "x" + fw + " seed=" + r.seed();
            try (DeviceBuffer s = cuda.device().allocate(4L * sizes.length);
                    DeviceBuffer q = cuda.device().allocate(4L * ratios.length);
                    Tensor out = CudaTestSupport.poisoned(DType.F32, fh * fw * a, 4)) {
                cuda.device().copyHostToDevice(s, sizes);
                cuda.device().copyHostToDevice(q, ratios);
                AnchorsKernels.anchors(cuda.device(), s, sizes.length, q, ratios.length, fh, fw, ih / fh, iw / fw,
                        out.deviceBuffer());
                TensorAssert.assertExact(what, cpu.boxes().anchors(sizes, ratios, ih, iw, fh, fw), cuda.toHost(out));
            }
        }
    }

    @Test
    void badInputsNameTheArgument() {
        CudaBackend cuda = CudaTestSupport.backend();
        assertMessageLeadsWith("sizes", () -> cuda.boxes().anchors(new int[0], new float[] {1f}, 10, 10, 2, 2));
        assertMessageLeadsWith("aspect_ratios", () -> cuda.boxes().anchors(new int[] {4}, new float[] {0f}, 10, 10, 2,
                2));
        assertMessageLeadsWith("feature_width", () -> cuda.boxes().anchors(new int[] {4}, new float[] {1f}, 10, 10, 2,
                -2));
    }
}
