package org.rcnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.autograd.Ops;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.cpu.CpuBackend;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Tensor;

/** Checkpoint files: round trip, atomic replacement, and clear errors for missing, corrupt or foreign files. */
class CheckpointTest {
    private static final LrSchedule SCHEDULE = new LrSchedule(0.1, 0.01, 5, new int[] {7, 9}, 0.2);
    private final Backend cpu = new CpuBackend();
    @TempDir
    Path dir;

    private LinkedHashMap<String, Var> model(float offset) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("backbone.conv.weight", Var.param(cpu, Tensor.ofFloats(new float[] {1 + offset, -2, 3, 0.5f}, 2, 2)));
        m.put("head.bias", Var.param(cpu, Tensor.ofFloats(new float[] {0.25f + offset, -1}, 2)));
        return m;
    }

    private final List<LinkedHashMap<String, Var>> made = new java.util.ArrayList<>();

    private LinkedHashMap<String, Var> tracked(float offset) {
        LinkedHashMap<String, Var> m = model(offset);
        made.add(m);
        return m;
    }

    @AfterEach
    void close() {
        made.forEach(m -> m.values().forEach(Var::close));
    }

    /** One SGD step on loss = sum(w * w) so that every parameter has a momentum buffer. */
    private static void stepOnce(Map<String, Var> m, Sgd opt) {
        try (Scope s = Scope.open()) {
            Var loss = null;
            for (Var p : m.values()) {
                Var t = Ops.sum(Ops.mul(p, p));
                loss = loss == null ? t : Ops.add(loss, t);
            }
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
    }

    private Checkpoint.State trainedState(Map<String, Var> m, long step, TrainRng rng) {
        try (Sgd opt = new Sgd(List.copyOf(m.values()), 0.1, 0.9, 1e-4)) {
            stepOnce(m, opt);
            stepOnce(m, opt);
            return Checkpoint.capture("tiny", step, rng, SCHEDULE, m, opt);
        }
    }

    @Test
    void roundTripRestoresWeightsMomentumAndRng() throws IOException {
        LinkedHashMap<String, Var> a = tracked(0);
        TrainRng rng = new TrainRng(42);
        rng.nextLong();
        Checkpoint.State s = trainedState(a, 17, rng);
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.write(file, s);

        Checkpoint.State r = Checkpoint.read(file);
        assertEquals("tiny", r.model());
        assertEquals(17, r.step());
        assertEquals(rng.state(), r.rngState());
        assertEquals(SCHEDULE, r.schedule());
        assertEquals(s.weights().keySet(), r.weights().keySet());
        assertEquals(2, r.momentum().size());
        for (String k : s.weights().keySet()) {
            assertArrayEquals(s.weights().get(k).floats(), r.weights().get(k).floats(), k);
            assertArrayEquals(s.momentum().get(k).floats(), r.momentum().get(k).floats(), k);
        }
        assertTrue(Safetensors.read(file).containsKey("optimizer.momentum.head.bias"));
        assertEquals(Checkpoint.FORMAT, Safetensors.readMetadata(file).get("format"));

        LinkedHashMap<String, Var> b = tracked(5);
        TrainRng rng2 = new TrainRng(7);
        try (Sgd opt = new Sgd(List.copyOf(b.values()), 0.1, 0.9, 1e-4)) {
            Checkpoint.restore(file, r, "tiny", b, opt, rng2, SCHEDULE);
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).value().floats(), b.get(k).value().floats(), k);
            }
            Map<String, Tensor> mom = opt.exportMomentum(b);
            for (String k : a.keySet()) {
                assertArrayEquals(s.momentum().get(k).floats(), mom.get(k).floats(), k);
            }
            assertEquals(rng.nextLong(), rng2.nextLong());
        }
    }

    /** Throws once more than {@code limit} bytes went through: a disk that fills up mid-write. */
    private static OutputStream failingAfter(OutputStream out, int limit) {
        return new FilterOutputStream(out) {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > limit) {
                    throw new IOException("No space left on device (simulated)");
                }
                written += len;
                out.write(b, off, len);
            }
        };
    }

    @Test
    void failingWriteLeavesPreviousCheckpointIntact() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.State first = trainedState(tracked(0), 3, new TrainRng(1));
        Checkpoint.write(file, first);
        byte[] before = Files.readAllBytes(file);

        Checkpoint.State second = trainedState(tracked(1), 6, new TrainRng(2));
        IOException e = assertThrows(IOException.class,
                () -> Checkpoint.write(file, second, out -> failingAfter(out, 100)));
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "previous checkpoint bytes");
        assertEquals(3, Checkpoint.read(file).step());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        Checkpoint.write(file, second);
        assertEquals(6, Checkpoint.read(file).step());
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.safetensors");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no such checkpoint"),
                e.getMessage());
    }

    @Test
    void corruptFileIsNamed() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Checkpoint.write(file, trainedState(tracked(0), 3, new TrainRng(1)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());

        Files.write(file, new byte[] {1, 2, 3});
        e = assertThrows(IOException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("not a safetensors"),
                e.getMessage());
    }

    @Test
    void plainSafetensorsIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.ofFloats(new float[] {1}, 1)), null);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not an rcnn4j training"),
                e.getMessage());
    }

    @Test
    void mismatchIsNamedAndChangesNothing() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.write(file, trainedState(tracked(0), 3, new TrainRng(1)));
        Checkpoint.State s = Checkpoint.read(file);

        LinkedHashMap<String, Var> other = tracked(9);
        float[] before = other.get("head.bias").value().floats().clone();
        try (Sgd opt = new Sgd(List.copyOf(other.values()), 0.1, 0.9, 0)) {
            TrainRng rng = new TrainRng(1);
            IOException e = assertThrows(IOException.class,
                    () -> Checkpoint.restore(file, s, "other", other, opt, rng, SCHEDULE));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'tiny'"), e.getMessage());
            e = assertThrows(IOException.class,
                    () -> Checkpoint.restore(file, s, "tiny", other, opt, rng, LrSchedule.constant(0.1)));
            assertTrue(e.getMessage().contains("schedule"), e.getMessage());

            LinkedHashMap<String, Var> extra = new LinkedHashMap<>(other);
            Var fc = Var.param(cpu, Tensor.ofFloats(new float[] {1}, 1));
            try {
                extra.put("fc.weight", fc);
                try (Sgd opt2 = new Sgd(List.copyOf(extra.values()), 0.1, 0.9, 0)) {
                    e = assertThrows(IOException.class,
                            () -> Checkpoint.restore(file, s, "tiny", extra, opt2, rng, SCHEDULE));
                    assertTrue(e.getMessage().contains("missing parameter 'fc.weight'"), e.getMessage());
                }
            } finally {
                fc.close();
            }

            LinkedHashMap<String, Var> reshaped = new LinkedHashMap<>(other);
            Var wide = Var.param(cpu, Tensor.ofFloats(new float[] {1, 2, 3, 4}, 4));
            try {
                reshaped.put("backbone.conv.weight", wide);
                try (Sgd opt3 = new Sgd(List.copyOf(reshaped.values()), 0.1, 0.9, 0)) {
                    e = assertThrows(IOException.class,
                            () -> Checkpoint.restore(file, s, "tiny", reshaped, opt3, rng, SCHEDULE));
                    assertTrue(e.getMessage().contains("'backbone.conv.weight'")
                            && e.getMessage().contains("[2, 2]"), e.getMessage());
                }
            } finally {
                wide.close();
            }
        }
        assertArrayEquals(before, other.get("head.bias").value().floats(), "unchanged after failed restores");
    }
}
