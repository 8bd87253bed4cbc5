package org.rcnn4j.recipes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.io.DirectoryLock;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.nn.BatchNorm2d;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.Checkpoint;

/**
 * Issue 17, item 1: an interrupted and resumed {@code maskrcnn_small} run (a model with BatchNorm, whose running
 * statistics change every step) ends bit-identical to an uninterrupted one: the same checkpoint bytes, the same
 * model file, the same log (no step line twice).
 */
class DetectorResumeTest {
    private static final int STEPS = 4;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    @TempDir
    Path dir;

    /** Fails the first sample load of batch {@code failBatch} (loads run in batch order on one thread). */
    private static final class Interrupting implements Dataset {
        private final Dataset data;
        private final int failAt;
        private final AtomicInteger loads = new AtomicInteger();

        Interrupting(Dataset data, int failBatch, int batch) {
            this.data = data;
            this.failAt = failBatch * batch;
        }

        @Override
        public int size() {
            return data.size();
        }

        @Override
        public Sample get(int i) {
            if (loads.getAndIncrement() >= failAt) {
                throw new IllegalStateException("simulated kill");
            }
            return data.get(i);
        }
    }

    private static DetectorTraining.Settings settings() {
        return new DetectorTraining.Settings(STEPS, 2, 0.02, 1, null, 0.9, 1e-4, 10, 0.5, 7, 2);
    }

    private static Dataset scenes() {
        return new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TRAIN), SceneConfig.defaults(), 3, 6);
    }

    private static void train(Path out, Dataset data, boolean resume) throws IOException {
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        // a resumed run starts from another initialization: everything must come from the checkpoint
        model.initialize(resume ? 99 : 5);
        try (Backend cpu = new CpuBackend()) {
            model.to(cpu);
            try {
                DetectorTraining.run(model, Models.MASKRCNN_SMALL, FashionMnist.CLASS_NAMES, data, settings(), out,
                        resume ? out.resolve(DetectorTraining.CHECKPOINT) : null, QUIET);
            } finally {
                model.release();
            }
        }
    }

    @Test
    void interruptedAndResumedRunEndsBitIdentical() throws IOException {
        GeneralizedRcnn probe = Models.maskrcnnSmall(ModelOptions.defaults());
        assertTrue(probe.namedModules().values().stream().anyMatch(m -> m instanceof BatchNorm2d),
                "the model has BatchNorm");

        Path full = dir.resolve("full");
        train(full, scenes(), false);

        Path cut = dir.resolve("cut");
        // killed while loading step 4's batch: steps 1..3 ran, the checkpoint is after step 2
        RuntimeException e = assertThrows(RuntimeException.class, () -> train(cut, new Interrupting(scenes(), 3, 2),
                false));
        assertTrue(String.valueOf(e.getMessage()).contains("simulated kill")
                || String.valueOf(e.getCause()).contains("simulated kill"), String.valueOf(e));
        assertEquals(2, Checkpoint.read(cut.resolve(DetectorTraining.CHECKPOINT)).step());
        assertEquals(3, Files.readAllLines(cut.resolve(DetectorTraining.LOG)).size());
        train(cut, scenes(), true);

        Map<String, Tensor> a = Safetensors.read(full.resolve(DetectorTraining.MODEL));
        Map<String, Tensor> b = Safetensors.read(cut.resolve(DetectorTraining.MODEL));
        assertEquals(a.keySet(), b.keySet());
        int runningStats = 0;
        for (String k : a.keySet()) {
            assertArrayEquals(bits(a.get(k)), bits(b.get(k)), k);
            if (k.endsWith("running_var")) {
                runningStats++;
                float[] v = a.get(k).floats();
                boolean moved = false;
                for (float x : v) {
                    moved |= x != 1f;
                }
                assertTrue(moved, k + " changed during training (else this test could not tell)");
            }
        }
        assertTrue(runningStats > 0, "running statistics in the model file");
        assertArrayEquals(Files.readAllBytes(full.resolve(DetectorTraining.MODEL)),
                Files.readAllBytes(cut.resolve(DetectorTraining.MODEL)), "model files");
        assertArrayEquals(Files.readAllBytes(full.resolve(DetectorTraining.CHECKPOINT)),
                Files.readAllBytes(cut.resolve(DetectorTraining.CHECKPOINT)), "checkpoints");

        List<String> logFull = steps(full.resolve(DetectorTraining.LOG));
        List<String> logCut = steps(cut.resolve(DetectorTraining.LOG));
        assertEquals(List.of("step=1", "step=2", "step=3", "step=4"), logCut, "each step logged once");
        assertEquals(logFull, logCut);
    }

    @Test
    void resumeWithOtherSettingsIsRefused() throws IOException {
        Path out = dir.resolve("run");
        train(out, scenes(), false);
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        model.initialize(1);
        DetectorTraining.Settings s = settings();
        DetectorTraining.Settings otherBatch = new DetectorTraining.Settings(s.steps(), 3, s.lr(), s.warmupIters(),
                null, s.momentum(), s.weightDecay(), s.clipNorm(), s.flipProbability(), s.seed(), s.checkpointEvery());
        try (Backend cpu = new CpuBackend()) {
            model.to(cpu);
            try {
                IOException e = assertThrows(IOException.class, () -> DetectorTraining.run(model,
                        Models.MASKRCNN_SMALL, FashionMnist.CLASS_NAMES, scenes(), otherBatch, out,
                        out.resolve(DetectorTraining.CHECKPOINT), QUIET));
                assertTrue(e.getMessage().contains("batch_size=2") && e.getMessage().contains("batch_size=3"),
                        e.getMessage());
            } finally {
                model.release();
            }
        }
    }

    @Test
    void aSecondRunIntoTheSameDirectoryIsRefused() throws IOException {
        Path out = dir.resolve("locked");
        try (DirectoryLock held = DirectoryLock.acquire(out)) {
            IOException e = assertThrows(IOException.class, () -> train(out, scenes(), false));
            assertTrue(e.getMessage().contains("another run is writing") && e.getMessage().contains(out.toString()),
                    e.getMessage());
            assertFalse(Files.exists(out.resolve(DetectorTraining.LOG)), "the refused run wrote nothing");
        }
    }

    /** The values' bits (F32 as raw int bits, integers as they are). */
    private static long[] bits(Tensor t) {
        return switch (t.dtype()) {
            case F32 -> {
                float[] f = t.floats();
                long[] out = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = Float.floatToRawIntBits(f[i]);
                }
                yield out;
            }
            case I64 -> t.longs();
            default -> throw new AssertionError("unexpected dtype " + t.dtype());
        };
    }

    private static List<String> steps(Path log) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            out.add(l.substring(0, l.indexOf(' ')));
        }
        return out;
    }
}
