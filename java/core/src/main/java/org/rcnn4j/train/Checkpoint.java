package org.rcnn4j.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.rcnn4j.autograd.Sgd;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Tensor;

/**
 * A training checkpoint as one safetensors file: everything that determines the model and the rest of the run.
 * The model's whole state (trained parameters, frozen parameters and buffers such as BatchNorm's running_mean,
 * running_var and num_batches_tracked) under their state_dict names, the SGD momentum buffers under
 * {@code optimizer.momentum.<name>}, and metadata: format version, model name, the number of steps done (the
 * schedule position), the RNG state, the learning-rate schedule and the run's settings that fix the data order
 * and the updates (seed, batch size, SGD settings...), which a resume must repeat. Written atomically (a
 * temporary file, then a rename), so an interrupted or failing write leaves the previous checkpoint as it was.
 *
 * <p>Format 1 (before issue 17) held the trained parameters only: a resume from it reset BatchNorm statistics.
 * It is still read, but a run whose model has other state refuses it, naming the first missing entry.
 */
public final class Checkpoint {
    public static final String FORMAT = "rcnn4j-train-checkpoint-2";
    /** The format that held trained parameters only; read for models that have nothing else. */
    static final String FORMAT_1 = "rcnn4j-train-checkpoint-1";
    public static final String MOMENTUM_PREFIX = "optimizer.momentum.";
    /** Metadata keys of the run's settings start with this. */
    static final String SETTING_PREFIX = "setting.";

    /**
     * What a checkpoint holds (host tensors).
     *
     * @param model    the model's name (a resume checks it)
     * @param step     steps done: the next step to run has this 0-based index
     * @param rngState {@link TrainRng#state()} after those steps
     * @param schedule the learning-rate schedule of the run
     * @param weights  state_dict name -> value: the trained parameters and the model's other state (frozen
     *                 parameters, buffers)
     * @param momentum parameter name -> momentum buffer (parameters never stepped have none)
     * @param settings the run's settings a resume must repeat (name -> value as text); empty in format 1
     */
    public record State(String model, long step, String rngState, LrSchedule schedule, Map<String, Tensor> weights,
            Map<String, Tensor> momentum, Map<String, String> settings) {
    }

    private Checkpoint() {
    }

    /**
     * The current state of a run as host tensors: the parameters (on the CPU backend their own arrays, which
     * optimizer steps replace rather than modify), copies of the other state (buffers are updated in place, e.g.
     * BatchNorm's running statistics) and copies of the optimizer's momentum buffers.
     *
     * @param others   the model's state that is not trained by the optimizer (frozen parameters, buffers)
     * @param settings the run's settings a resume must repeat
     */
    public static State capture(String model, long step, TrainRng rng, LrSchedule schedule, Map<String, Var> params,
            Map<String, Var> others, Sgd optimizer, Map<String, String> settings) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : params.entrySet()) {
            weights.put(e.getKey(), e.getValue().toHost());
        }
        for (Map.Entry<String, Var> e : others.entrySet()) {
            if (weights.containsKey(e.getKey())) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is both trained and other state");
            }
            weights.put(e.getKey(), hostCopy(e.getValue().toHost()));
        }
        return new State(model, step, rng.state(), schedule, weights, optimizer.exportMomentum(params),
                new LinkedHashMap<>(settings));
    }

    /** A host tensor that shares no storage with {@code t} (which training may change in place). */
    private static Tensor hostCopy(Tensor t) {
        int[] shape = t.shape();
        return switch (t.dtype()) {
            case F32 -> Tensor.ofFloats(t.floats().clone(), shape);
            case F64 -> Tensor.ofDoubles(t.doubles().clone(), shape);
            case I64 -> Tensor.ofLongs(t.longs().clone(), shape);
            case I32 -> Tensor.ofInts(t.ints().clone(), shape);
            default -> Tensor.ofBytes(t.bytes().clone(), shape);
        };
    }

    /** Writes atomically: on any failure the previous file at {@code file}, if any, is left intact. */
    public static void write(Path file, State s) throws IOException {
        write(file, s, UnaryOperator.identity());
    }

    /** {@link #write} through {@code wrap}ped output (tests inject a failing stream). */
    static void write(Path file, State s, UnaryOperator<OutputStream> wrap) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(s.weights());
        for (Map.Entry<String, Tensor> e : s.momentum().entrySet()) {
            tensors.put(MOMENTUM_PREFIX + e.getKey(), e.getValue());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", s.model());
        meta.put("step", Long.toString(s.step()));
        meta.put("rng", s.rngState());
        LrSchedule sc = s.schedule();
        meta.put("schedule.lr", Double.toString(sc.baseLr()));
        meta.put("schedule.warmup_factor", Double.toString(sc.warmupFactor()));
        meta.put("schedule.warmup_iters", Integer.toString(sc.warmupIters()));
        meta.put("schedule.milestones", join(sc.milestones()));
        meta.put("schedule.gamma", Double.toString(sc.gamma()));
        for (Map.Entry<String, String> e : s.settings().entrySet()) {
            meta.put(SETTING_PREFIX + e.getKey(), e.getValue());
        }
        AtomicFiles.write(file, out -> Safetensors.writeTo(wrap.apply(out), tensors, meta));
    }

    /** Reads a checkpoint; a missing, corrupt or foreign file gives an IOException naming the file and why. */
    public static State read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such checkpoint file");
        }
        Map<String, String> meta = Safetensors.readMetadata(file);
        String format = meta.get("format");
        if (format == null) {
            throw new IOException(file + ": not an rcnn4j training checkpoint (no 'format' metadata)");
        }
        if (!format.equals(FORMAT) && !format.equals(FORMAT_1)) {
            throw new IOException(file + ": checkpoint format '" + format + "', this version reads '" + FORMAT
                    + "' (and '" + FORMAT_1 + "' for models without buffers or frozen parameters)");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(SETTING_PREFIX)) {
                settings.put(e.getKey().substring(SETTING_PREFIX.length()), e.getValue());
            }
        }
        Map<String, Tensor> all = Safetensors.read(file);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, Tensor> momentum = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            if (e.getKey().startsWith(MOMENTUM_PREFIX)) {
                momentum.put(e.getKey().substring(MOMENTUM_PREFIX.length()), e.getValue());
            } else {
                weights.put(e.getKey(), e.getValue());
            }
        }
        try {
            long step = Long.parseLong(need(meta, "step"));
            if (step < 0) {
                throw new IllegalArgumentException("step " + step + " < 0");
            }
            LrSchedule schedule = new LrSchedule(Double.parseDouble(need(meta, "schedule.lr")),
                    Double.parseDouble(need(meta, "schedule.warmup_factor")),
                    Integer.parseInt(need(meta, "schedule.warmup_iters")), split(need(meta, "schedule.milestones")),
                    Double.parseDouble(need(meta, "schedule.gamma")));
            String rng = need(meta, "rng");
            new TrainRng(0).restore(rng);
            return new State(need(meta, "model"), step, rng, schedule, weights, momentum, settings);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a state into a run: parameter values, the model's other state, momentum buffers and RNG. The
     * checkpoint must be of the same model, hold exactly these state names with the same shapes and dtypes, and
     * have the same schedule and settings; otherwise nothing is changed and an IOException names the file and the
     * difference.
     */
    public static void restore(Path file, State s, String model, Map<String, Var> params, Map<String, Var> others,
            Sgd optimizer, TrainRng rng, LrSchedule schedule, Map<String, String> settings) throws IOException {
        if (!s.model().equals(model)) {
            throw new IOException(file + ": checkpoint of model '" + s.model() + "', this run trains '" + model + "'");
        }
        if (!s.schedule().equals(schedule)) {
            throw new IOException(file + ": checkpoint schedule (" + s.schedule().describe()
                    + ") differs from this run's (" + schedule.describe() + ")");
        }
        if (!s.settings().isEmpty()) { // format 1 recorded none
            for (String k : union(s.settings().keySet(), settings.keySet())) {
                String was = s.settings().get(k);
                String now = settings.get(k);
                if (was == null || !was.equals(now)) {
                    throw new IOException(file + ": the checkpoint's run had " + k + "=" + (was == null ? "(none)"
                            : was) + ", this run " + k + "=" + (now == null ? "(none)" : now)
                            + ": a resume must repeat the run's settings");
                }
            }
        }
        for (String name : s.weights().keySet()) {
            if (!params.containsKey(name) && !others.containsKey(name)) {
                throw new IOException(file + ": unexpected entry '" + name + "' (not in this run's model)");
            }
        }
        for (Map.Entry<String, Var> e : others.entrySet()) {
            Tensor t = s.weights().get(e.getKey());
            if (t == null) {
                throw new IOException(file + ": missing buffer or frozen parameter '" + e.getKey() + "'"
                        + (s.settings().isEmpty() ? " (a checkpoint of format " + FORMAT_1 + " holds the trained "
                        + "parameters only: resuming from it would reset them)" : ""));
            }
            Var v = e.getValue();
            if (!Arrays.equals(t.shape(), v.shape()) || t.dtype() != v.dtype()) {
                throw new IOException(file + ": '" + e.getKey() + "' is " + t.dtype() + " "
                        + Arrays.toString(t.shape()) + ", the model's is " + v.dtype() + " "
                        + Arrays.toString(v.shape()));
            }
        }
        for (Map.Entry<String, Var> e : params.entrySet()) {
            Tensor t = s.weights().get(e.getKey());
            if (t == null) {
                throw new IOException(file + ": missing parameter '" + e.getKey() + "'");
            }
            Var p = e.getValue();
            if (!Arrays.equals(t.shape(), p.shape()) || t.dtype() != p.dtype()) {
                throw new IOException(file + ": parameter '" + e.getKey() + "' is " + t.dtype() + " "
                        + Arrays.toString(t.shape()) + ", the model's is " + p.dtype() + " "
                        + Arrays.toString(p.shape()));
            }
            Tensor m = s.momentum().get(e.getKey());
            if (m != null && (!Arrays.equals(m.shape(), p.shape()) || m.dtype() != p.dtype())) {
                throw new IOException(file + ": momentum of '" + e.getKey() + "' is " + m.dtype() + " "
                        + Arrays.toString(m.shape()) + ", the parameter is " + p.dtype() + " "
                        + Arrays.toString(p.shape()));
            }
        }
        for (String name : s.momentum().keySet()) {
            if (!params.containsKey(name)) {
                throw new IOException(file + ": momentum for unknown parameter '" + name + "'");
            }
        }
        for (Map.Entry<String, Var> e : params.entrySet()) {
            e.getValue().loadValue(s.weights().get(e.getKey()));
        }
        for (Map.Entry<String, Var> e : others.entrySet()) {
            e.getValue().loadValue(s.weights().get(e.getKey()));
        }
        optimizer.importMomentum(params, s.momentum());
        rng.restore(s.rngState());
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String need(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        return v;
    }

    private static String join(int[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            sb.append(i == 0 ? "" : ",").append(xs[i]);
        }
        return sb.toString();
    }

    private static int[] split(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(s.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }
}
