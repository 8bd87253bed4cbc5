package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.backend.cuda.CudaBackend;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;
import org.rcnn4j.testing.RandomTensors;
import org.rcnn4j.testing.TensorAssert;

/**
 * The CLI on the CUDA backend (a GPU, or the emulator; see {@link CudaTestSupport}): inputs go to the device,
 * outputs come back and match the CPU backend, --repeat times with CUDA events, and no device memory is left
 * behind, also across repeated runs with temporaries (roi_pool's argmax).
 */
class OpsOnCudaTest {
    @TempDir
    Path dir;

    private final RandomTensors random = new RandomTensors();
    private final CpuBackend cpu = new CpuBackend();
    private Function<String, Backend> saved;
    private CudaBackend cuda;

    @BeforeEach
    void useTheTestDevice() {
        cuda = CudaTestSupport.backend();
        saved = Devices.factory;
        Devices.factory = name -> {
            if (!name.startsWith("cuda")) {
                return saved.apply(name);
            }
            return new KeptOpenBackend(cuda);
        };
    }

    @AfterEach
    void restore() {
        Devices.factory = saved;
    }

    private Map<String, Tensor> run(String op, Object[] inputs, String... extra) {
        Path in = Cli.write(dir.resolve(op + ".in.safetensors"), inputs);
        Path out = dir.resolve(op + ".out.safetensors");
        String[] base = {"op", op, "--in", in.toString(), "--out", out.toString(), "--device", cuda.name()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli.Result[] result = new Cli.Result[1];
        CudaTestSupport.assertNoLeak(op + " through the CLI", () -> result[0] = Cli.run(args));
        result[0].assertOk();
        if (java.util.Arrays.asList(extra).contains("--repeat")) {
            assertTrue(result[0].out().contains("median_ms="), result[0].out());
        }
        return Cli.read(out);
    }

    private Tensor rois(int k, int batch, float width, float height) {
        Tensor b = random.boxes(k, width, height, 1f);
        float[] r = new float[k * 5];
        for (int i = 0; i < k; i++) {
            r[5 * i] = random.random().nextInt(batch);
            System.arraycopy(b.floats(), 4 * i, r, 5 * i + 1, 4);
        }
        return Tensor.ofFloats(r, k, 5);
    }

    private void close(String what, Tensor expected, Tensor actual, double tolerance) {
        TensorAssert.assertClose(what + " (seed " + random.seed() + ")", expected, actual, tolerance);
    }

    @Test
    void roiAlignForwardAndBackwardRepeated() {
        Tensor x = random.normal(2, 5, 12, 16);
        Tensor r = rois(11, 2, 32, 24);
        Tensor g = random.normal(11, 5, 3, 4);
        Map<String, Tensor> got = run("roi_align", new Object[] {"input", x, "boxes", r, "grad_output", g},
                "--set", "output_size=3,4", "--set", "spatial_scale=0.5", "--set", "aligned=true", "--repeat", "2");
        close("output", cpu.roi().roiAlign(x, r, 3, 4, 0.5f, -1, true), got.get("output"), TensorAssert.FORWARD);
        close("grad_input", cpu.roi().roiAlignBackward(g, r, x.shape(), 0.5f, -1, true), got.get("grad_input"),
                TensorAssert.GRADIENT);
    }

    @Test
    void roiPoolFreesItsArgmaxOnEveryRun() {
        Tensor x = random.normal(1, 4, 10, 10);
        Tensor r = rois(7, 1, 20, 20);
        Tensor g = random.normal(7, 4, 2, 2);
        Map<String, Tensor> got = run("roi_pool", new Object[] {"input", x, "boxes", r, "grad_output", g},
                "--set", "output_size=2", "--set", "spatial_scale=0.5", "--repeat", "3");
        RoiPoolResult expected = cpu.roi().roiPool(x, r, 2, 2, 0.5f);
        close("output", expected.output(), got.get("output"), TensorAssert.FORWARD);
        close("grad_input", cpu.roi().roiPoolBackward(g, r, expected.argmax(), x.shape()), got.get("grad_input"),
                TensorAssert.GRADIENT);
    }

    @Test
    void pasteMasks() {
        Tensor m = random.uniform(0, 1, 3, 1, 14, 14);
        Tensor b = random.boxes(3, 40, 30, 3);
        Map<String, Tensor> got = run("paste_masks", new Object[] {"masks", m, "boxes", b}, "--set", "image_height=30",
                "--set", "image_width=40");
        close("masks", cpu.roi().pasteMasks(m, b, 30, 40, 1), got.get("masks"), TensorAssert.FORWARD);
    }

    @Test
    void matmul() {
        Tensor a = random.normal(9, 13);
        Tensor b = random.normal(13, 6);
        Map<String, Tensor> got = run("matmul", new Object[] {"input", a, "other", b});
        close("output", cpu.linalg().matmul(a, b, false, false), got.get("output"), TensorAssert.FORWARD);
    }

    @Test
    void nmsRepeated() {
        Tensor b = random.boxes(300, 100, 100, 5);
        Tensor sc = random.uniform(0, 1, 300);
        Map<String, Tensor> got = run("nms", new Object[] {"boxes", b, "scores", sc}, "--set", "iou_threshold=0.4",
                "--repeat", "2");
        TensorAssert.assertExact("keep (seed " + random.seed() + ")", cpu.boxes().nms(b, sc, 0.4f), got.get("keep"));
    }

    @Test
    void decodeBoxes() {
        Tensor ref = random.boxes(40, 100, 80, 2);
        Tensor codes = random.normal(40, 8);
        Map<String, Tensor> got = run("decode_boxes", new Object[] {"rel_codes", codes, "boxes", ref});
        close("boxes", cpu.boxes().decodeBoxes(codes, ref, new float[] {10, 10, 5, 5}, (float) Math.log(1000.0 / 16)),
                got.get("boxes"), TensorAssert.FORWARD);
    }
}
