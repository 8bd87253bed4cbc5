package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.RoiPoolResult;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * The CLI's own mechanics (argument plumbing, output files, --repeat, error mapping) on a stand-in backend that
 * records what it is asked, so these hold whatever state the kernels are in.
 */
class OpMechanicsTest {
    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private Function<String, Backend> saved;
    /** What the stand-in does for an op call: returns a result or throws. */
    private Function<Object[], Object> behaviour;

    @BeforeEach
    void install() {
        saved = Devices.factory;
        Devices.factory = name -> standIn(name);
    }

    @AfterEach
    void restore() {
        Devices.factory = saved;
    }

    private Backend standIn(String name) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "name":
                            return name;
                        case "toDevice":
                        case "toHost":
                            return args[0];
                        case "synchronize":
                        case "close":
                            return null;
                        default:
                            if (method.isDefault()) {
                                // elapsedMillis, describe: the interface's own code over the stand-in
                                return InvocationHandler.invokeDefault(proxy, method, args);
                            }
                            // a family accessor (boxes(), roi(), ...): a stand-in family recording its ops
                            return family(method.getReturnType());
                    }
                });
    }

    /** A stand-in for one of Backend's op families: each op call is recorded, then answered by behaviour. */
    private Object family(Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            calls.add(method.getName() + describe(args));
            return behaviour.apply(args);
        });
    }

    private static String describe(Object[] args) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            sb.append(i == 0 ? "" : ",").append(a instanceof int[] v ? java.util.Arrays.toString(v)
                    : a instanceof float[] v ? java.util.Arrays.toString(v) : String.valueOf(a));
        }
        return sb.append(')').toString();
    }

    private Path nmsInput() {
        return Cli.write(dir.resolve("in.safetensors"), "boxes", Tensor.ofFloats(new float[] {0, 0, 2, 2, 1, 1, 3, 3}, 2,
                4), "scores", Tensor.ofFloats(new float[] {0.5f, 0.7f}, 2));
    }

    @Test
    void passesInputsAndParametersAndWritesOutputs() {
        behaviour = args -> Tensor.ofLongs(new long[] {1, 0}, 2);
        Path out = dir.resolve("sub/out.safetensors");
        Cli.Result r = Cli.run("op", "nms", "--in", nmsInput().toString(), "--out", out.toString(), "--set",
                "iou_threshold=0.25").assertOk();
        assertEquals(List.of("nms(F32[2, 4]@host,F32[2]@host,0.25)"), calls);
        Map<String, Tensor> written = Cli.read(out);
        assertEquals(List.of("keep"), new ArrayList<>(written.keySet()));
        assertArrayEquals(new long[] {1, 0}, written.get("keep").longs());
        assertTrue(r.out().contains("keep I64[2]"), r.out());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void defaultsAreTorchvisions() {
        behaviour = args -> Tensor.zeros(DType.F32, 1, 3, 7, 7);
        Path in = Cli.write(dir.resolve("roi.safetensors"), "input", Tensor.ofFloats(new float[3 * 8 * 8], 1, 3, 8, 8),
                "boxes", Tensor.ofFloats(new float[] {0, 0, 0, 4, 4}, 1, 5));
        Cli.run("op", "roi_align", "--in", in.toString(), "--set", "output_size=7").assertOk();
        // output 7x7, spatial_scale 1, sampling_ratio -1, aligned false
        assertEquals(List.of("roiAlign(F32[1, 3, 8, 8]@host,F32[1, 5]@host,7,7,1.0,-1,false)"), calls);
    }

    @Test
    void boxCoderDefaults() {
        behaviour = args -> Tensor.zeros(DType.F32, 1, 4);
        Path in = Cli.write(dir.resolve("dec.safetensors"), "rel_codes", Tensor.ofFloats(new float[4], 1, 4),
                "boxes", Tensor.ofFloats(new float[] {0, 0, 1, 1}, 1, 4));
        Cli.run("op", "decode_boxes", "--in", in.toString()).assertOk();
        assertEquals(List.of("decodeBoxes(F32[1, 4]@host,F32[1, 4]@host,[10.0, 10.0, 5.0, 5.0],"
                + (float) Math.log(1000.0 / 16) + ")"), calls);
    }

    @Test
    void gradOutputAddsTheBackwardPass() {
        Tensor argmax = Tensor.zeros(DType.I32, 1, 3, 2, 2);
        behaviour = args -> args.length == 5 ? new RoiPoolResult(Tensor.zeros(DType.F32, 1, 3, 2, 2), argmax)
                : Tensor.zeros(DType.F32, 1, 3, 8, 8);
        Path in = Cli.write(dir.resolve("roi.safetensors"), "input", Tensor.ofFloats(new float[3 * 8 * 8], 1, 3, 8, 8),
                "boxes", Tensor.ofFloats(new float[] {0, 0, 0, 4, 4}, 1, 5),
                "grad_output", Tensor.ofFloats(new float[3 * 2 * 2], 1, 3, 2, 2));
        Path out = dir.resolve("out.safetensors");
        Cli.run("op", "roi_pool", "--in", in.toString(), "--out", out.toString(), "--set", "output_size=2",
                "--set", "spatial_scale=0.5").assertOk();
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).startsWith("roiPool("), calls.toString());
        assertTrue(calls.get(1).startsWith("roiPoolBackward(F32[1, 3, 2, 2]@host,F32[1, 5]@host,I32[1, 3, 2, 2]@host,"
                + "[1, 3, 8, 8])"), calls.toString());
        assertEquals(List.of("output", "grad_input"), new ArrayList<>(Cli.read(out).keySet()));
    }

    @Test
    void repeatTimesEachPhase() {
        behaviour = args -> Tensor.zeros(DType.F32, 1, 3, 8, 8);
        Path in = Cli.write(dir.resolve("conv.safetensors"), "input", Tensor.ofFloats(new float[3 * 8 * 8], 1, 3, 8, 8),
                "weight", Tensor.ofFloats(new float[3 * 3 * 3 * 3], 3, 3, 3, 3));
        Cli.Result r = Cli.run("op", "conv2d", "--in", in.toString(), "--set", "padding=1", "--repeat", "5")
                .assertOk();
        // the run whose outputs count, at least 3 warm-ups (2 s of them), then 5 timed runs
        assertTrue(calls.size() >= 1 + 3 + 5, calls.size() + " calls");
        assertTrue(r.out().matches("(?s).*median_ms=\\d+\\.\\d+ min_ms=\\d+\\.\\d+ runs=5\\n.*"), r.out());
    }

    @Test
    void repeatWithTwoPhasesReportsBoth() {
        Tensor argmax = Tensor.zeros(DType.I32, 1, 3, 2, 2);
        behaviour = args -> args.length == 5 ? new RoiPoolResult(Tensor.zeros(DType.F32, 1, 3, 2, 2), argmax)
                : Tensor.zeros(DType.F32, 1, 3, 8, 8);
        Path in = Cli.write(dir.resolve("roi.safetensors"), "input", Tensor.ofFloats(new float[3 * 8 * 8], 1, 3, 8, 8),
                "boxes", Tensor.ofFloats(new float[] {0, 0, 0, 4, 4}, 1, 5),
                "grad_output", Tensor.ofFloats(new float[3 * 2 * 2], 1, 3, 2, 2));
        Cli.Result r = Cli.run("op", "roi_pool", "--in", in.toString(), "--set", "output_size=2", "--repeat", "2")
                .assertOk();
        assertTrue(r.out().contains("forward_median_ms="), r.out());
        assertTrue(r.out().contains("backward_median_ms="), r.out());
    }

    @Test
    void backendArgumentErrorIsAUsageError() {
        behaviour = args -> {
            throw new IllegalArgumentException("scores: expected something else");
        };
        Path out = dir.resolve("out.safetensors");
        Cli.run("op", "nms", "--in", nmsInput().toString(), "--out", out.toString(), "--set", "iou_threshold=0.5")
                .assertUsageError("nms: scores: expected something else");
        assertFalse(Files.exists(out), "no output after a failure");
    }

    @Test
    void internalErrorIsOneLineAndExitCodeOne() {
        behaviour = args -> {
            throw new IllegalStateException("kernel exploded");
        };
        Path out = dir.resolve("out.safetensors");
        Cli.Result r = Cli.run("op", "nms", "--in", nmsInput().toString(), "--out", out.toString(), "--set",
                "iou_threshold=0.5");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("rcnn4j: error: internal error: kernel exploded"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void unimplementedOpExitsOne() {
        behaviour = args -> {
            throw new UnsupportedOperationException("not implemented yet");
        };
        Cli.Result r = Cli.run("op", "nms", "--in", nmsInput().toString(), "--set", "iou_threshold=0.5");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("rcnn4j: error: nms on --device cpu: not implemented yet"), r.err());
    }

    @Test
    void deviceThatCannotStartIsAUsageError() {
        Devices.factory = name -> {
            throw new IllegalStateException("no CUDA driver");
        };
        Cli.run("op", "nms", "--in", nmsInput().toString(), "--set", "iou_threshold=0.5", "--device", "cuda")
                .assertUsageError("--device cuda is not available here: no CUDA driver");
    }

    @Test
    void devicesListsWhyADeviceIsMissing() {
        Devices.factory = name -> {
            if (name.equals("cpu")) {
                return standIn(name);
            }
            throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file");
        };
        Cli.Result r = Cli.run("devices").assertOk();
        assertTrue(r.out().matches("(?s).*cuda\\s+unavailable\\s+libcuda.so.1: cannot open.*"), r.out());
    }

    @Test
    void outputsReplaceAnExistingFileAtomically() throws Exception {
        behaviour = args -> Tensor.ofLongs(new long[] {0}, 1);
        Path out = dir.resolve("out.safetensors");
        Files.writeString(out, "old");
        Cli.run("op", "nms", "--in", nmsInput().toString(), "--out", out.toString(), "--set", "iou_threshold=0.5")
                .assertOk();
        assertArrayEquals(new long[] {0}, Cli.read(out).get("keep").longs());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left");
        }
    }

    @Test
    void int32IndicesAreAccepted() {
        behaviour = args -> Tensor.ofLongs(new long[] {0}, 1);
        Path in = Cli.write(dir.resolve("in.safetensors"), "boxes", Tensor.ofFloats(new float[] {0, 0, 1, 1}, 1, 4),
                "scores", Tensor.ofFloats(new float[] {1}, 1), "idxs", Tensor.ofInts(new int[] {3}, 1));
        Cli.run("op", "batched_nms", "--in", in.toString(), "--set", "iou_threshold=0.5").assertOk();
        assertEquals(List.of("batchedNms(F32[1, 4]@host,F32[1]@host,I32[1]@host,0.5)"), calls);
    }

    @Test
    void anchorsNeedNoInputFile() {
        behaviour = args -> Tensor.zeros(DType.F32, 2 * 2 * 6, 4);
        Cli.run("op", "anchors", "--set", "sizes=32,64", "--set", "aspect_ratios=0.5,1,2", "--set", "image_height=16",
                "--set", "image_width=16", "--set", "feature_height=2", "--set", "feature_width=2").assertOk();
        assertEquals(List.of("anchors([32, 64],[0.5, 1.0, 2.0],16,16,2,2)"), calls);
    }
}
