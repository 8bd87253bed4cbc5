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
 * A training checkpoint as one safetensors file: the model's weights under their state_dict names, the SGD
 * momentum buffers under {@code optimizer.momentum.<name>}, and metadata: format version, model name, the number
 * of steps done, the RNG state and the learning-rate schedule. Written atomically (a temporary file, then a
 * rename), so an interrupted or failing write leaves the previous checkpoint as it was.
 */
public final class Checkpoint {
    public static final String FORMAT = "rcnn4j-train-checkpoint-1";
    public static final String MOMENTUM_PREFIX = "optimizer.momentum.";

    /**
     * What a checkpoint holds (host tensors).
     *
     * @param model    the model's name (a resume checks it)
     * @param step     steps done: the next step to run has this 0-based index
     * @param rngState {@link TrainRng#state()} after those steps
     * @param schedule the learning-rate schedule of the run
     * @param weights  parameter name -> value
     * @param momentum parameter name -> momentum buffer (parameters never stepped have none)
     */
    public record State(String model, long step, String rngState, LrSchedule schedule, Map<String, Tensor> weights,
            Map<String, Tensor> momentum) {
    }

    private Checkpoint() {
    }

    /**
     * The current state of a run as host tensors: the parameters (on the CPU backend their own arrays, which
     * optimizer steps replace rather than modify) and copies of the optimizer's momentum buffers.
     */
    public static State capture(String model, long step, TrainRng rng, LrSchedule schedule, Map<String, Var> params,
            Sgd optimizer) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : params.entrySet()) {
            weights.put(e.getKey(), e.getValue().toHost());
        }
        return new State(model, step, rng.state(), schedule, weights, optimizer.exportMomentum(params));
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
        if (!format.equals(FORMAT)) {
            throw new IOException(file + ": checkpoint format '" + format + "', this version reads '" + FORMAT
                    + "'");
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
            return new State(need(meta, "model"), step, rng, schedule, weights, momentum);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a state into a run: parameter values, momentum buffers and RNG. The checkpoint must be of the same
     * model, hold exactly these parameter names with the same shapes and dtypes, and have the same schedule;
     * otherwise nothing is changed and an IOException names the file and the difference.
     */
    public static void restore(Path file, State s, String model, Map<String, Var> params, Sgd optimizer,
            TrainRng rng, LrSchedule schedule) throws IOException {
        if (!s.model().equals(model)) {
            throw new IOException(file + ": checkpoint of model '" + s.model() + "', this run trains '" + model + "'");
        }
        if (!s.schedule().equals(schedule)) {
            throw new IOException(file + ": checkpoint schedule (" + s.schedule().describe()
                    + ") differs from this run's (" + schedule.describe() + ")");
        }
        for (String name : s.weights().keySet()) {
            if (!params.containsKey(name)) {
                throw new IOException(file + ": unexpected parameter '" + name + "' (not trained by this run)");
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
        optimizer.importMomentum(params, s.momentum());
        rng.restore(s.rngState());
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
