package org.rcnn4j.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * Checks an op's host inputs against its spec, runs it on a backend (once, or timed --repeat times) and brings
 * its outputs back to the host. Shared by {@code rcnn4j op} and {@code rcnn4j example}.
 */
final class OpRunner {
    /** Warm-up runs before timing (after the run that produced the outputs), at least this many (fewer for fewer repeats). */
    static final int MAX_WARMUP = 3;
    /** The least time the untimed warm-up calls take together. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    /** How long timing waits for the backend's warm-up ({@link org.rcnn4j.backend.Backend#awaitWarmUp}). */
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(60);

    private OpRunner() {
    }

    /** Host outputs in the op's order, and the timing of --repeat runs (empty without --repeat). */
    record Result(Map<String, Tensor> outputs, Timing timing) {
    }

    /** Milliseconds of each timed run, in total and per phase (forward, backward, ...). */
    record Timing(List<Double> totals, Map<String, List<Double>> phases) {
        static double median(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }

        static double min(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        /** "median_ms=… min_ms=… runs=N", and the median of each phase when there are several. */
        String describe() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "median_ms=%.4f min_ms=%.4f runs=%d", median(totals), min(totals), totals.size()));
            if (phases.size() > 1) {
                phases.forEach((name, ms) -> sb.append(String.format(java.util.Locale.ROOT,
                        " %s_median_ms=%.4f %s_min_ms=%.4f", name, median(ms), name, min(ms))));
            }
            return sb.toString();
        }
    }

    /**
     * Checks the inputs: no unknown names, required ones present, dtypes, shapes (binding names such as N) and
     * values (boxes finite and not inverted, RoI batch indices in range). Throws UsageException naming the tensor.
     */
    static ShapeBinder check(OpSpec spec, Map<String, Tensor> inputs, Params params) {
        for (String name : inputs.keySet()) {
            if (spec.input(name) == null) {
                throw new UsageException(spec.name() + ": unknown input tensor '" + name + "' (" + expected(spec)
                        + ")");
            }
        }
        ShapeBinder dims = new ShapeBinder();
        if (spec.bindFromParams() != null) {
            spec.bindFromParams().apply(dims, params);
        }
        TensorSpec firstFloat = null;
        boolean derived = false;
        for (TensorSpec t : spec.inputs()) {
            if (t.optional() && !derived) {
                derive(spec, dims, params);
                derived = true;
            }
            Tensor x = inputs.get(t.name());
            if (x == null) {
                if (!t.optional()) {
                    throw new UsageException(spec.name() + ": missing input tensor '" + t.name() + "' " + t.shape()
                            + " (" + expected(spec) + ")");
                }
                continue;
            }
            if (!Arrays.asList(t.kind().allowed).contains(x.dtype())) {
                throw new UsageException(t.name() + ": expected dtype " + t.kind().describe + ", got " + x.dtype());
            }
            if (t.kind() == TensorSpec.Kind.FLOAT) {
                if (firstFloat == null) {
                    firstFloat = t;
                } else if (inputs.get(firstFloat.name()).dtype() != x.dtype()) {
                    throw new UsageException(t.name() + ": expected the dtype of " + firstFloat.name() + " ("
                            + inputs.get(firstFloat.name()).dtype() + "), got " + x.dtype());
                }
            }
            dims.match(t.name(), x.shape(), t.shape());
            switch (t.values()) {
                case BOXES -> ValueChecks.boxes(t.name(), x);
                case ROIS -> ValueChecks.rois(t.name(), x, dims.get("N"));
                case ANY -> {
                }
            }
        }
        if (!derived) {
            derive(spec, dims, params);
        }
        checkOutputSizes(spec, dims);
        return dims;
    }

    private static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Largest tensor rcnn4j makes: an int index over its elements, and Java arrays, end here. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    /**
     * Refuses, before anything runs, an output whose known dimensions already hold more elements than a tensor
     * can (box_iou of 50,000 x 50,000 boxes), instead of an int overflow inside the op.
     */
    private static void checkOutputSizes(OpSpec spec, ShapeBinder dims) {
        for (TensorSpec t : spec.outputs()) {
            long n = 1;
            StringBuilder product = new StringBuilder();
            for (String tok : ShapeBinder.tokens(t.shape())) {
                long v = 1;
                for (String part : tok.split("\\*")) { // "4*C", "H*W*A": a product of numbers and names
                    part = part.strip();
                    if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                        v = times(v, Long.parseLong(part));
                    } else if (dims.isBound(part)) {
                        v = times(v, dims.get(part));
                    } else {
                        v = -1; // not known before the op runs ("...", a name only the op computes)
                        break;
                    }
                }
                if (v < 0) {
                    continue;
                }
                n = times(n, v);
                product.append(product.length() == 0 ? "" : " x ").append(v);
            }
            if (n > MAX_ELEMENTS) {
                throw new UsageException(spec.name() + ": output '" + t.name() + "' " + t.shape() + " would hold "
                        + product + " elements, more than a tensor holds (2^31-17)");
            }
        }
    }

    private static void derive(OpSpec spec, ShapeBinder dims, Params params) {
        if (spec.derive() != null) {
            spec.derive().apply(dims, params);
        }
    }

    private static String expected(OpSpec spec) {
        if (spec.inputs().isEmpty()) {
            return "it takes no input tensors";
        }
        List<String> names = new ArrayList<>();
        for (TensorSpec t : spec.inputs()) {
            names.add(t.name() + (t.optional() ? " (optional)" : ""));
        }
        return "inputs: " + String.join(", ", names);
    }

    /**
     * Runs a checked op: uploads the inputs, runs once for the outputs, then (repeat &gt; 0) warms up and times
     * {@code repeat} more runs. Input tensors on the device are freed before returning.
     */
    static Result run(OpSpec spec, Backend backend, Map<String, Tensor> hostInputs, Params params, ShapeBinder dims,
            int repeat) {
        Map<String, Tensor> deviceInputs = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : hostInputs.entrySet()) {
                deviceInputs.put(e.getKey(), backend.toDevice(e.getValue()));
            }
            OpCall.Prepared prepared = new OpCall.Prepared(spec, backend, hostInputs, deviceInputs, params, dims);
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            OpCall first = new OpCall(prepared, null);
            try {
                spec.runner().run(first);
                backend.synchronize();
                for (Map.Entry<String, Tensor> e : first.outputs().entrySet()) {
                    // on the CPU this is the tensor itself, which stays valid: closing a host tensor does nothing
                    outputs.put(e.getKey(), backend.toHost(e.getValue()));
                }
            } finally {
                first.close();
            }
            Timing timing = repeat > 0 ? time(prepared, repeat) : new Timing(List.of(), Map.of());
            return new Result(outputs, timing);
        } finally {
            deviceInputs.values().forEach(Tensor::close);
        }
    }

    private static Timing time(OpCall.Prepared prepared, int repeat) {
        OpCall.PhaseTimer timer = prepared.backend()::elapsedMillis;
        // warm-up: at least MAX_WARMUP calls and WARM_UP_NANOS of them, so that the JIT has compiled the op's code
        // (on the CPU the first hundreds of milliseconds run partly interpreted), then the backend's own warm-up
        long start = System.nanoTime();
        for (int i = 0; i < Math.min(MAX_WARMUP, repeat) || System.nanoTime() - start < WARM_UP_NANOS; i++) {
            run(prepared, timer);
        }
        prepared.backend().awaitWarmUp(WARM_UP_TIMEOUT);
        List<Double> totals = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        for (int i = 0; i < repeat; i++) {
            OpCall call = run(prepared, timer);
            double total = 0;
            for (Map.Entry<String, Double> e : call.phaseMillis().entrySet()) {
                total += e.getValue();
                phases.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
            totals.add(total);
        }
        return new Timing(totals, phases);
    }

    /** One call of the op, its outputs freed. */
    private static OpCall run(OpCall.Prepared prepared, OpCall.PhaseTimer timer) {
        OpCall call = new OpCall(prepared, timer);
        try {
            prepared.spec().runner().run(call);
        } finally {
            call.close();
        }
        return call;
    }
}
