package org.rcnn4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.DeviceStats;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * The training loop shared by the detectors. Each step, inside its own {@link Scope}: ask the {@link TrainStep}
 * for the named losses, stop with a {@link TrainingDivergedException} if one is NaN or infinite (before any
 * update, and without writing a checkpoint for that step), backpropagate their sum, optionally clip the gradient
 * norm, and take an SGD step with the scheduled learning rate. A checkpoint is written every
 * {@code checkpointEvery} steps and after the last; {@link #resume} continues a run from one and repeats the
 * uninterrupted run's numbers. Each step appends a line to the log file and updates the progress bar.
 */
public final class Trainer {
    /**
     * Settings of a run.
     *
     * @param model           the model's name, stored in checkpoints and checked on resume
     * @param steps           total number of optimizer steps
     * @param schedule        learning rate per step
     * @param momentum        SGD momentum (torchvision: 0.9)
     * @param weightDecay     SGD weight decay (torchvision: 1e-4)
     * @param clipNorm        max total gradient L2 norm; 0 for no clipping
     * @param checkpointEvery write a checkpoint every this many steps (and after the last); 0: only after the last
     * @param checkpoint      the checkpoint file; null for none
     * @param log             the per-step log file (appended to on resume); null for none
     * @param seed            seed of the {@link TrainRng} handed to each step
     * @param progress        how to show progress on {@code progressOut}
     */
    public record Options(String model, long steps, LrSchedule schedule, double momentum, double weightDecay,
            double clipNorm, long checkpointEvery, Path checkpoint, Path log, long seed, ProgressBar.Mode progress) {
        public Options {
            if (model == null || model.isEmpty()) {
                throw new IllegalArgumentException("model name must not be empty");
            }
            if (steps < 0 || checkpointEvery < 0) {
                throw new IllegalArgumentException("steps and checkpoint interval must be >= 0, got " + steps + ", "
                        + checkpointEvery);
            }
            if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
                throw new IllegalArgumentException("clip norm must be finite and >= 0 (0: off), got " + clipNorm);
            }
            if (schedule == null || progress == null) {
                throw new IllegalArgumentException("schedule and progress mode must not be null");
            }
        }

        /** torchvision's SGD settings (momentum 0.9, weight decay 1e-4), no clipping, checkpoint, log or bar. */
        public static Options of(String model, long steps, LrSchedule schedule) {
            return new Options(model, steps, schedule, 0.9, 1e-4, 0, 0, null, null, 0, ProgressBar.Mode.OFF);
        }

        public Options withSgd(double newMomentum, double newWeightDecay) {
            return new Options(model, steps, schedule, newMomentum, newWeightDecay, clipNorm, checkpointEvery,
                    checkpoint, log, seed, progress);
        }

        public Options withClipNorm(double maxNorm) {
            return new Options(model, steps, schedule, momentum, weightDecay, maxNorm, checkpointEvery, checkpoint,
                    log, seed, progress);
        }

        public Options withCheckpoint(Path file, long every) {
            return new Options(model, steps, schedule, momentum, weightDecay, clipNorm, every, file, log, seed,
                    progress);
        }

        public Options withLog(Path file) {
            return new Options(model, steps, schedule, momentum, weightDecay, clipNorm, checkpointEvery, checkpoint,
                    file, seed, progress);
        }

        public Options withSeed(long newSeed) {
            return new Options(model, steps, schedule, momentum, weightDecay, clipNorm, checkpointEvery, checkpoint,
                    log, newSeed, progress);
        }

        public Options withProgress(ProgressBar.Mode mode) {
            return new Options(model, steps, schedule, momentum, weightDecay, clipNorm, checkpointEvery, checkpoint,
                    log, seed, mode);
        }

        public Options withSteps(long newSteps) {
            return new Options(model, newSteps, schedule, momentum, weightDecay, clipNorm, checkpointEvery,
                    checkpoint, log, seed, progress);
        }
    }

    /** Called after every completed step (after the update), e.g. to record losses or evaluate. */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(long step, double lr, Map<String, Double> losses);
    }

    /** The losses of the steps this call ran: {@code losses.get(i)} belongs to step {@code firstStep + i}. */
    public record History(long firstStep, List<Map<String, Double>> losses) {
        public double loss(long step, String name) {
            return losses.get((int) (step - firstStep)).get(name);
        }
    }

    private final LinkedHashMap<String, Var> params;
    private final LinkedHashMap<String, Var> others = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> settings = new LinkedHashMap<>();
    private final Options options;
    private PrintStream progressOut = System.err;
    private StepListener listener;

    /** @param params the trained parameters by state_dict name (leaves requiring grad; frozen ones left out) */
    public Trainer(LinkedHashMap<String, Var> params, Options options) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters to train");
        }
        this.params = new LinkedHashMap<>(params);
        this.options = options;
    }

    /**
     * The model's state that the optimizer does not train but that training may change or a resume must restore:
     * buffers (BatchNorm's running statistics, num_batches_tracked) and frozen parameters. Checkpoints hold them
     * and a resume loads them, so a resumed run ends with the same model as an uninterrupted one.
     */
    public Trainer withState(Map<String, Var> state) {
        for (String k : state.keySet()) {
            if (params.containsKey(k)) {
                throw new IllegalArgumentException("'" + k + "' is trained: only untrained state goes here");
            }
        }
        others.putAll(state);
        return this;
    }

    /**
     * Settings of the run beyond the options (batch size, augmentation, dataset size...) that decide the data
     * order or the updates: checkpoints record them and a resume with other values is refused.
     */
    public Trainer withSetting(String name, String value) {
        settings.put(name, value);
        return this;
    }

    /** The recorded settings: the options' SGD settings, clip norm and seed, then those given. */
    private Map<String, String> settings() {
        LinkedHashMap<String, String> all = new LinkedHashMap<>();
        all.put("momentum", Double.toString(options.momentum()));
        all.put("weight_decay", Double.toString(options.weightDecay()));
        all.put("clip_norm", Double.toString(options.clipNorm()));
        all.put("seed", Long.toString(options.seed()));
        all.putAll(settings);
        return all;
    }

    /** Where the progress bar goes (default System.err). */
    public Trainer progressTo(PrintStream out) {
        this.progressOut = out;
        return this;
    }

    public Trainer onStep(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Trains from the parameters' current values, step 0 to {@code options.steps()}. */
    public History train(TrainStep step) throws IOException {
        TrainRng rng = new TrainRng(options.seed());
        try (Sgd opt = newSgd()) {
            return run(step, opt, rng, 0, false);
        }
    }

    /** Restores a checkpoint (weights, momentum, RNG, step) and trains on to {@code options.steps()}. */
    public History resume(Path checkpointFile, TrainStep step) throws IOException {
        Checkpoint.State s = Checkpoint.read(checkpointFile);
        TrainRng rng = new TrainRng(options.seed());
        try (Sgd opt = newSgd()) {
            Checkpoint.restore(checkpointFile, s, options.model(), params, others, opt, rng, options.schedule(),
                    settings());
            return run(step, opt, rng, s.step(), true);
        }
    }

    private Sgd newSgd() {
        return new Sgd(new ArrayList<>(params.values()), options.schedule().lr(0), options.momentum(),
                options.weightDecay());
    }

    private History run(TrainStep trainStep, Sgd opt, TrainRng rng, long first, boolean append) throws IOException {
        List<Map<String, Double>> history = new ArrayList<>();
        List<Var> paramList = new ArrayList<>(params.values());
        Backend backend = paramList.get(0).backend();
        ProgressBar bar = new ProgressBar(progressOut, options.steps(), first, options.progress());
        long lastCheckpoint = -1;
        try (BufferedWriter log = openLog(append, first)) {
            for (long step = first; step < options.steps(); step++) {
                long t0 = System.nanoTime();
                DeviceStats before = backend.stats();
                double lr = options.schedule().lr(step);
                Map<String, Double> values = new LinkedHashMap<>();
                double gradNorm = Double.NaN;
                opt.zeroGrad();
                try (Scope ignored = Scope.open()) {
                    Map<String, Var> losses = trainStep.losses(step, rng);
                    if (losses == null || losses.isEmpty()) {
                        throw new IllegalStateException("step " + step + ": the train step returned no losses");
                    }
                    List<Tensor> scalars = new ArrayList<>();
                    for (Map.Entry<String, Var> e : losses.entrySet()) {
                        if (e.getValue().numel() != 1) {
                            throw new IllegalArgumentException("step " + step + ": loss '" + e.getKey()
                                    + "' is not a scalar: " + e.getValue());
                        }
                        scalars.add(e.getValue().value());
                    }
                    // every loss read back at once: one synchronization on a device
                    List<Tensor> read = backend.toHost(scalars);
                    Var total = null;
                    int at = 0;
                    for (Map.Entry<String, Var> e : losses.entrySet()) {
                        double v = read.get(at++).getDouble(0);
                        values.put(e.getKey(), v);
                        if (!Double.isFinite(v)) {
                            writeLine(log, step, lr, values, "diverged");
                            throw new TrainingDivergedException(e.getKey(), step, v, lastCheckpoint >= 0
                                    ? "the last checkpoint " + options.checkpoint() + " (after step " + lastCheckpoint
                                    + ") is intact" : "no checkpoint was written by this run");
                        }
                        total = total == null ? e.getValue() : TensorMath.add(total, e.getValue());
                    }
                    total.backward();
                    if (options.clipNorm() > 0) {
                        gradNorm = GradClip.clipGradNorm(paramList, options.clipNorm());
                    }
                    opt.setLr(lr);
                    opt.step();
                } finally {
                    opt.zeroGrad();
                }
                long done = step + 1;
                double seconds = (System.nanoTime() - t0) / 1e9;
                DeviceStats cost = backend.stats().minus(before);
                // on a device, what the step cost it (host synchronizations, bytes each way); nothing on the cpu
                String device = cost.equals(DeviceStats.ZERO) ? "" : " device: " + cost.format();
                writeLine(log, step, lr, values, (options.clipNorm() > 0 ? String.format(Locale.ROOT,
                        "grad_norm=%.6g ", gradNorm) : "") + String.format(Locale.ROOT, "seconds=%.3f", seconds)
                        + device);
                history.add(values);
                bar.update(done, values);
                if (listener != null) {
                    listener.afterStep(step, lr, values);
                }
                boolean due = done == options.steps()
                        || (options.checkpointEvery() > 0 && done % options.checkpointEvery() == 0);
                if (options.checkpoint() != null && due) {
                    Checkpoint.write(options.checkpoint(), Checkpoint.capture(options.model(), done, rng,
                            options.schedule(), params, others, opt, settings()));
                    lastCheckpoint = done;
                }
            }
        }
        return new History(first, history);
    }

    /**
     * Opens the log; on a resume from step {@code first} it first drops the lines of steps after {@code first}
     * (written by the interrupted run after its last checkpoint: the resumed run writes them again).
     */
    private BufferedWriter openLog(boolean append, long first) throws IOException {
        if (options.log() == null) {
            return null;
        }
        Path dir = options.log().toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (append && Files.isRegularFile(options.log())) {
            List<String> kept = new ArrayList<>();
            boolean dropped = false;
            try (java.util.stream.Stream<String> lines = Files.lines(options.log(), StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    long n = loggedStep(line);
                    if (n > first) {
                        dropped = true;
                    } else {
                        kept.add(line);
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                throw new IOException(options.log() + ": cannot read the log to resume it: " + e.getCause()
                        .getMessage(), e.getCause());
            }
            if (dropped) {
                org.rcnn4j.io.AtomicFiles.write(options.log(), out -> {
                    for (String line : kept) {
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                });
            }
        }
        return Files.newBufferedWriter(options.log(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The 1-based step of a log line "step=N ...", or -1 when the line is not one. */
    static long loggedStep(String line) {
        if (!line.startsWith("step=")) {
            return -1;
        }
        int end = line.indexOf(' ');
        try {
            return Long.parseLong(line.substring(5, end < 0 ? line.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One log line: "step=N lr=X name=value ... [grad_norm=G] seconds=S [device: syncs=N to_host_bytes=B
     * to_device_bytes=C]" (G before clipping, when clipping is on; the device's costs on a CUDA backend), N 1-based
     * as on the progress bar; a diverged step ends with "diverged" instead.
     */
    private static void writeLine(BufferedWriter log, long step, double lr, Map<String, Double> values, String tail)
            throws IOException {
        if (log == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("step=").append(step + 1).append(" lr=").append(String.format(Locale.ROOT, "%.6g", lr));
        for (Map.Entry<String, Double> e : values.entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.6g", e.getValue()));
        }
        sb.append(' ').append(tail).append('\n');
        log.write(sb.toString());
        log.flush();
    }
}
