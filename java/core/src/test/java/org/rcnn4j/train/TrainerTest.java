package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.autograd.Live;
import org.rcnn4j.autograd.Losses;
import org.rcnn4j.autograd.Nn;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Reduction;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/** The training loop: exact resume, divergence stop, flat memory, log and progress output. */
class TrainerTest {
    private static final LrSchedule SCHEDULE = new LrSchedule(0.05, 0.1, 3, new int[] {4}, 0.5);
    private final Backend cpu = new CpuBackend();
    private final List<Var> made = new ArrayList<>();
    private long liveBefore;
    @TempDir
    Path dir;

    @BeforeEach
    void countLive() {
        liveBefore = Live.tensors();
    }

    @AfterEach
    void nothingLeft() {
        made.forEach(Var::close);
        assertEquals(liveBefore, Live.tensors(), "autograd tensors left open");
    }

    /**
     * A linear regressor 4 -> 3 with seeded weights ({@code seed} differs to prove a resume overwrites them). F64:
     * the CPU backend's F32 matmul (the Vector API kernel) can round differently once the JIT compiles it, which
     * would make two identical runs differ in the last bit; the F64 path is bit-reproducible.
     */
    private LinkedHashMap<String, Var> linear(long seed) {
        return linear(cpu, DType.F64, seed);
    }

    private LinkedHashMap<String, Var> linear(Backend b, DType dtype, long seed) {
        Random r = new Random(seed);
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("fc.weight", param(b, dtype, r, 3, 4));
        m.put("fc.bias", param(b, dtype, r, 3));
        return m;
    }

    private Var param(Backend b, DType dtype, Random r, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = r.nextGaussian();
        }
        Var v = Var.param(b, b.toDevice(host(dtype, f, shape)));
        made.add(v);
        return v;
    }

    private static Tensor host(DType dtype, double[] d, int... shape) {
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(d, shape);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.ofFloats(f, shape);
    }

    /** A batch of 8 drawn from the trainer's RNG, targets from a fixed linear map; two named losses. */
    private TrainStep regression(Map<String, Var> m) {
        return regression(cpu, DType.F64, m);
    }

    private static TrainStep regression(Backend b, DType dtype, Map<String, Var> m) {
        return (step, rng) -> {
            double[] x = new double[8 * 4];
            double[] y = new double[8 * 3];
            for (int i = 0; i < 8; i++) {
                for (int k = 0; k < 4; k++) {
                    x[i * 4 + k] = rng.nextDouble() * 2 - 1;
                }
                for (int j = 0; j < 3; j++) {
                    y[i * 3 + j] = x[i * 4 + j] - 0.5 * x[i * 4 + (j + 1) % 4] + 0.1 * j;
                }
            }
            Var pred = Nn.linear(Var.fromHost(b, host(dtype, x, 8, 4)), m.get("fc.weight"), m.get("fc.bias"));
            Var target = Var.fromHost(b, host(dtype, y, 8, 3));
            Var diff = Ops.sub(pred, target);
            Map<String, Var> losses = new LinkedHashMap<>();
            losses.put("loss_mse", Ops.mean(Ops.mul(diff, diff)));
            losses.put("loss_smooth_l1", Losses.smoothL1(pred, target, 1.0 / 9, Reduction.MEAN));
            return losses;
        };
    }

    private Trainer.Options options(long steps) {
        return Trainer.Options.of("linear", steps, SCHEDULE).withClipNorm(2.0).withSeed(11);
    }

    @Test
    void resumedRunRepeatsTheUninterruptedOne() throws IOException {
        LinkedHashMap<String, Var> full = linear(1);
        Trainer.History a = new Trainer(full, options(6).withCheckpoint(dir.resolve("full.safetensors"), 3))
                .train(regression(full));

        LinkedHashMap<String, Var> half = linear(1);
        Path ckpt = dir.resolve("half.safetensors");
        Trainer.History b1 = new Trainer(half, options(3).withCheckpoint(ckpt, 0)).train(regression(half));
        assertEquals(3, Checkpoint.read(ckpt).step());

        LinkedHashMap<String, Var> resumed = linear(99);
        Trainer.History b2 = new Trainer(resumed, options(6).withCheckpoint(ckpt, 0)).resume(ckpt,
                regression(resumed));

        assertEquals(6, a.losses().size());
        assertEquals(3, b2.firstStep());
        for (int step = 0; step < 6; step++) {
            Trainer.History b = step < 3 ? b1 : b2;
            for (String loss : List.of("loss_mse", "loss_smooth_l1")) {
                assertEquals(a.loss(step, loss), b.loss(step, loss), 0, loss + " at step " + step);
            }
        }
        assertTrue(a.loss(5, "loss_mse") < a.loss(0, "loss_mse"), "the loss goes down");
        for (String k : full.keySet()) {
            assertArrayEquals(full.get(k).value().doubles(), resumed.get(k).value().doubles(), k);
        }
        assertEquals(6, Checkpoint.read(ckpt).step());
    }

    /** On the CUDA backend (F32): checkpoints go through the host, resume is exact, device memory stays flat. */
    @Test
    void resumeAndFlatMemoryOnCuda() throws IOException {
        Backend cuda = CudaTestSupport.backend();
        CudaDevice d = CudaTestSupport.device();
        long bytesBefore = d.bytesInUse();
        LinkedHashMap<String, Var> full = linear(cuda, DType.F32, 1);
        long[] bytes = new long[6];
        Trainer.History a = new Trainer(full, options(6)).onStep((step, lr, l) -> {
            d.synchronize();
            bytes[(int) step] = d.bytesInUse();
        }).train(regression(cuda, DType.F32, full));
        for (int i = 1; i < 6; i++) {
            assertEquals(bytes[0], bytes[i], "device bytes after step " + (i + 1) + " vs step 1");
        }

        LinkedHashMap<String, Var> half = linear(cuda, DType.F32, 1);
        Path ckpt = dir.resolve("cuda.safetensors");
        new Trainer(half, options(3).withCheckpoint(ckpt, 0)).train(regression(cuda, DType.F32, half));
        LinkedHashMap<String, Var> resumed = linear(cuda, DType.F32, 99);
        Trainer.History b = new Trainer(resumed, options(6)).resume(ckpt, regression(cuda, DType.F32, resumed));
        for (int step = 3; step < 6; step++) {
            assertEquals(a.loss(step, "loss_mse"), b.loss(step, "loss_mse"), 0, "loss_mse at step " + step);
        }
        for (String k : full.keySet()) {
            assertArrayEquals(full.get(k).toHost().floats(), resumed.get(k).toHost().floats(), k);
        }
        made.forEach(Var::close);
        made.clear();
        d.synchronize();
        assertEquals(bytesBefore, d.bytesInUse(), "device bytes after closing the parameters");
    }

    @Test
    void nanLossStopsBeforeTheUpdateAndKeepsTheLastCheckpoint() throws IOException {
        LinkedHashMap<String, Var> m = linear(2);
        TrainStep normal = regression(m);
        TrainStep failing = (step, rng) -> {
            Map<String, Var> losses = normal.losses(step, rng);
            if (step >= 4) {
                losses.put("loss_smooth_l1", Ops.mul(losses.get("loss_smooth_l1"), Double.NaN));
            }
            return losses;
        };
        Path ckpt = dir.resolve("ckpt.safetensors");
        Path log = dir.resolve("train.log");
        List<double[]> weightsAfter = new ArrayList<>();
        Trainer t = new Trainer(m, options(10).withCheckpoint(ckpt, 2).withLog(log))
                .onStep((step, lr, losses) -> weightsAfter.add(m.get("fc.weight").value().doubles().clone()));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train(failing));
        assertEquals("loss_smooth_l1", e.loss());
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("'loss_smooth_l1'") && e.getMessage().contains("NaN")
                && e.getMessage().contains("step 5"), e.getMessage());
        assertTrue(e.getMessage().contains(ckpt.toString()), e.getMessage());

        Checkpoint.State s = Checkpoint.read(ckpt);
        assertEquals(4, s.step());
        assertArrayEquals(weightsAfter.get(3), s.weights().get("fc.weight").doubles());
        assertArrayEquals(weightsAfter.get(3), m.get("fc.weight").value().doubles(), "no update at the NaN step");
        List<String> lines = Files.readAllLines(log);
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).matches("step=1 lr=\\S+ loss_mse=\\S+ loss_smooth_l1=\\S+ grad_norm=\\S+ seconds=\\S+"),
                lines.get(0));
        assertTrue(lines.get(4).startsWith("step=5 ") && lines.get(4).contains("loss_smooth_l1=NaN")
                && lines.get(4).endsWith("diverged"), lines.get(4));
    }

    @Test
    void infiniteLossIsCaughtToo() {
        LinkedHashMap<String, Var> m = linear(3);
        TrainStep normal = regression(m);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(m, options(3)).train((step, rng) -> {
                    Map<String, Var> losses = normal.losses(step, rng);
                    losses.put("loss_mse", Ops.mul(losses.get("loss_mse"), Double.POSITIVE_INFINITY));
                    return losses;
                }));
        assertEquals(0, e.step());
        assertTrue(e.getMessage().contains("'loss_mse' is Infinity at step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }

    @Test
    void memoryStaysFlatAcrossSteps() throws IOException {
        LinkedHashMap<String, Var> m = linear(4);
        long[] live = new long[40];
        new Trainer(m, options(40)).onStep((step, lr, losses) -> live[(int) step] = Live.tensors())
                .train(regression(m));
        for (int i = 1; i < live.length; i++) {
            assertEquals(live[0], live[i], "live autograd tensors after step " + (i + 1) + " vs step 1");
        }
        // between steps: the 2 parameters and their 2 momentum buffers, nothing of the step itself
        assertEquals(liveBefore + 4, live[0]);
        assertEquals(liveBefore + 2, Live.tensors(), "the optimizer's buffers are freed after training");
    }

    @Test
    void logsEveryStepAndShowsProgress() throws IOException {
        LinkedHashMap<String, Var> m = linear(5);
        Path log = dir.resolve("logs/train.log");
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        new Trainer(m, options(40).withClipNorm(0).withLog(log).withProgress(ProgressBar.Mode.LINES))
                .progressTo(new PrintStream(lines, true, StandardCharsets.UTF_8)).train(regression(m));
        List<String> logLines = Files.readAllLines(log);
        assertEquals(40, logLines.size());
        for (int i = 0; i < 40; i++) {
            String l = logLines.get(i);
            assertTrue(l.matches("step=" + (i + 1) + " lr=\\S+ loss_mse=\\S+ loss_smooth_l1=\\S+ seconds=\\S+"), l);
            assertEquals(SCHEDULE.lr(i), Double.parseDouble(l.split(" ")[1].substring(3)), 1e-6 * SCHEDULE.lr(i));
        }
        String[] shown = lines.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(20, shown.length, "a line every 5%");
        assertTrue(shown[19].startsWith("step 40/40 [####################]") && shown[19].contains(" eta ")
                && shown[19].contains("loss_mse ") && shown[19].contains("loss_smooth_l1 "), shown[19]);

        ByteArrayOutputStream redraw = new ByteArrayOutputStream();
        LinkedHashMap<String, Var> m2 = linear(6);
        new Trainer(m2, options(5).withProgress(ProgressBar.Mode.REDRAW))
                .progressTo(new PrintStream(redraw, true, StandardCharsets.UTF_8)).train(regression(m2));
        String r = redraw.toString(StandardCharsets.UTF_8);
        assertEquals(5, r.chars().filter(c -> c == '\r').count());
        assertTrue(r.endsWith("\n") && r.indexOf('\n') == r.length() - 1, "one line, redrawn in place");
    }

    @Test
    void resumeRejectsAnotherModelsCheckpoint() throws IOException {
        LinkedHashMap<String, Var> m = linear(7);
        Path ckpt = dir.resolve("ckpt.safetensors");
        new Trainer(m, options(2).withCheckpoint(ckpt, 0)).train(regression(m));
        Trainer other = new Trainer(m, Trainer.Options.of("other", 4, SCHEDULE));
        IOException e = assertThrows(IOException.class, () -> other.resume(ckpt, regression(m)));
        assertTrue(e.getMessage().contains(ckpt.toString()) && e.getMessage().contains("'linear'"), e.getMessage());
    }
}
