package org.rcnn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * One run of an op: its checked inputs already on the backend, its parameters, and what it produced. Runners
 * make every backend call inside {@link #phase} so that --repeat can time it.
 */
final class OpCall {
    private final Prepared prepared;
    private final PhaseTimer timer;
    private final Map<String, Tensor> outputs = new LinkedHashMap<>();
    private final Map<String, Double> phaseMillis = new LinkedHashMap<>();
    private final List<Tensor> temporaries = new ArrayList<>();

    /** What stays the same across the runs of one command: the backend, inputs on it, params and dims. */
    record Prepared(OpSpec spec, Backend backend, Map<String, Tensor> hostInputs, Map<String, Tensor> inputs,
            Params params, ShapeBinder dims) {
    }

    /** Times one phase of an op in milliseconds, waiting for the device to finish. */
    interface PhaseTimer {
        double millis(Runnable work);
    }

    OpCall(Prepared prepared, PhaseTimer timer) {
        this.prepared = prepared;
        this.timer = timer;
    }

    Backend backend() {
        return prepared.backend();
    }

    Params params() {
        return prepared.params();
    }

    /** An input on the backend, or null for an optional input that was not given. */
    Tensor in(String name) {
        if (prepared.spec().input(name) == null) {
            throw new IllegalStateException(prepared.spec().name() + " has no input " + name);
        }
        return prepared.inputs().get(name);
    }

    boolean has(String name) {
        return in(name) != null;
    }

    /** The shape of an input. */
    int[] shape(String name) {
        return prepared.hostInputs().get(name).shape();
    }

    /** A shape name bound while checking the inputs (N, C, h, ...). */
    int dim(String symbol) {
        return prepared.dims().get(symbol);
    }

    /** Runs one step of the op, timed when the command times; the result is the step's. */
    <T> T phase(String name, Supplier<T> work) {
        if (timer == null) {
            return work.get();
        }
        Object[] result = new Object[1];
        double ms = timer.millis(() -> result[0] = work.get());
        phaseMillis.merge(name, ms, Double::sum);
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /** Records an output (a tensor on the backend; this call closes it). */
    void output(String name, Tensor t) {
        outputs.put(name, t);
    }

    /** A tensor the op needs only while it runs (closed after the run). */
    Tensor temporary(Tensor t) {
        temporaries.add(t);
        return t;
    }

    Map<String, Tensor> outputs() {
        return outputs;
    }

    Map<String, Double> phaseMillis() {
        return phaseMillis;
    }

    /** Frees the outputs and temporaries (device memory; host tensors need nothing). */
    void close() {
        for (Tensor t : temporaries) {
            t.close();
        }
        for (Tensor t : outputs.values()) {
            t.close();
        }
        temporaries.clear();
        outputs.clear();
    }
}
