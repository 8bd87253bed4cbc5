package org.rcnn4j.nn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A torch.nn.Module-like tree: named parameters, buffers and child modules, each in registration order, so the
 * dotted names and their order are torch's state_dict: for each module its own parameters, then its own buffers,
 * then each child's entries, recursively.
 */
public abstract class Block {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    private final Map<String, Block> children = new LinkedHashMap<>();
    private boolean training = true;
    private Backend backend;

    // ---- registration (for subclasses' constructors) --------------------------------------------------------

    protected final Parameter addParameter(String name, int[] shape, Init init) {
        Parameter p = new Parameter(shape, init);
        register(name, parameters, p);
        return p;
    }

    protected final Buffer addBuffer(String name, DType dtype, int[] shape, Init init) {
        Buffer b = new Buffer(dtype, shape, init);
        register(name, buffers, b);
        return b;
    }

    protected final <M extends Block> M addBlock(String name, M module) {
        register(name, children, module);
        return module;
    }

    private <T> void register(String name, Map<String, T> into, T value) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module attribute name must be non-empty without '.', got '" + name
                    + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' already registered in " + typeName());
        }
        into.put(name, value);
    }

    // ---- structure ------------------------------------------------------------------------------------------

    /** The class name as torch prints it (Conv2d, FrozenBatchNorm2d, ...). */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /** Direct children in registration order (read-only). */
    public Map<String, Block> children() {
        return Collections.unmodifiableMap(children);
    }

    /** The descendant at a dotted path ("backbone.body.layer1.0"); "" is this module. */
    public Block get(String path) {
        Block m = this;
        if (path.isEmpty()) {
            return m;
        }
        for (String part : path.split("\\.", -1)) {
            Block next = m.children.get(part);
            if (next == null) {
                throw new IllegalArgumentException("no submodule '" + path + "' (" + m.typeName() + " has "
                        + m.children.keySet() + ")");
            }
            m = next;
        }
        return m;
    }

    /** Every module below and including this one, by dotted name ("" for this one), depth first. */
    public LinkedHashMap<String, Block> namedModules() {
        LinkedHashMap<String, Block> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Block> out) {
        out.put(prefix, this);
        children.forEach((n, c) -> c.collectModules(prefix.isEmpty() ? n : prefix + "." + n, out));
    }

    /** Parameters by dotted name, torch's named_parameters() order. */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        namedModules().forEach((prefix, m) -> m.parameters.forEach((n, p) -> out.put(join(prefix, n), p)));
        return out;
    }

    /** Buffers by dotted name, torch's named_buffers() order. */
    public LinkedHashMap<String, Buffer> namedBuffers() {
        LinkedHashMap<String, Buffer> out = new LinkedHashMap<>();
        namedModules().forEach((prefix, m) -> m.buffers.forEach((n, b) -> out.put(join(prefix, n), b)));
        return out;
    }

    /** Parameters and buffers by dotted name in state_dict order; needs no values (shapes and dtypes only). */
    public LinkedHashMap<String, StateEntry> stateEntries() {
        LinkedHashMap<String, StateEntry> out = new LinkedHashMap<>();
        namedModules().forEach((prefix, m) -> {
            m.parameters.forEach((n, p) -> out.put(join(prefix, n), p));
            m.buffers.forEach((n, b) -> out.put(join(prefix, n), b));
        });
        return out;
    }

    /** torch's state_dict(): the values (not copies) in state_dict order; fails if some entry has no value. */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        stateEntries().forEach((k, e) -> {
            if (!e.hasValue()) {
                throw new IllegalStateException(k + " has no value yet: initialize the module or load a state dict");
            }
            out.put(k, e.value());
        });
        return out;
    }

    /** Elements of all parameters (torch: sum(p.numel() for p in m.parameters())). */
    public long parameterCount() {
        return namedParameters().values().stream().mapToLong(StateEntry::numel).sum();
    }

    /** Elements of the parameters that require gradients. */
    public long trainableParameterCount() {
        return namedParameters().values().stream().filter(Parameter::requiresGrad).mapToLong(StateEntry::numel)
                .sum();
    }

    public long bufferCount() {
        return namedBuffers().values().stream().mapToLong(StateEntry::numel).sum();
    }

    /** Sets requires_grad on every parameter of this module and its descendants. */
    public Block requiresGrad(boolean value) {
        namedParameters().values().forEach(p -> p.requiresGrad(value));
        return this;
    }

    // ---- mode and backend ----------------------------------------------------------------------------------

    /** torch's train(mode): sets the training flag here and on every descendant (dropout, batch norm, detectors). */
    public Block train(boolean mode) {
        namedModules().values().forEach(m -> {
            if (m.training != mode) {
                m.dropDerived();
            }
            m.training = mode;
        });
        return this;
    }

    /**
     * Frees what a module derived from its values for inference (a Conv2d's folded batch norm), which a change of
     * mode or backend makes stale.
     */
    void dropDerived() {
    }

    /** torch's eval(): train(false). */
    public Block eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Moves every parameter and buffer onto {@code backend} as a {@link Var} (trainable parameters gather
     * gradients; frozen ones and buffers are constants) so forward passes can run there. The Vars belong to the
     * module, not to any open scope: {@link #release()} copies them back to the host and frees them.
     */
    public Block to(Backend backend) {
        return to(backend, DType.F32);
    }

    /**
     * {@link #to(Backend)} with the float entries (parameters, float buffers) bound as {@code floatType}: F32 as
     * usual, or F64 to run the module in float64 (finite-difference gradient checks). The entries keep their F32
     * dtype: {@link StateEntry#value()}, {@link #stateDict()} and {@link #release()} convert the values back.
     */
    public Block to(Backend backend, DType floatType) {
        if (floatType != DType.F32 && floatType != DType.F64) {
            throw new IllegalArgumentException("floatType: expected F32 or F64, got " + floatType);
        }
        if (this.backend != null) {
            release();
        }
        stateEntries().forEach((k, e) -> {
            if (!e.hasValue()) {
                throw new IllegalStateException(k + " has no value yet: initialize the module or load a state dict");
            }
            e.bind(backend, e instanceof Parameter p && p.requiresGrad(), floatType);
        });
        namedModules().values().forEach(m -> m.backend = backend);
        return this;
    }

    /** The backend the module is bound to; fails when it is not. */
    public Backend backend() {
        if (backend == null) {
            throw new IllegalStateException(typeName() + " is not bound to a backend: call to(backend) first");
        }
        return backend;
    }

    public boolean isBound() {
        return backend != null;
    }

    /** Copies the values back to the host and frees their device memory; the module stays usable for to(). */
    public void release() {
        namedModules().values().forEach(Block::dropDerived);
        stateEntries().values().forEach(StateEntry::unbind);
        namedModules().values().forEach(m -> m.backend = null);
    }

    /** The trainable parameters' Vars by dotted name (bound modules only): what an optimizer updates. */
    public LinkedHashMap<String, Var> trainableVars() {
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        namedParameters().forEach((k, p) -> {
            if (p.requiresGrad()) {
                out.put(k, p.var());
            }
        });
        return out;
    }

    // ---- values ---------------------------------------------------------------------------------------------

    /**
     * Gives every parameter and buffer a fresh value from its init rule. Deterministic: each entry draws from its
     * own generator seeded by {@code seed} and its dotted name, so a value does not depend on which other entries
     * exist or on the order they are drawn in (entries are drawn in parallel).
     */
    public Block initialize(long seed) {
        List<Map.Entry<String, StateEntry>> entries = new ArrayList<>(stateEntries().entrySet());
        entries.parallelStream().forEach(e -> e.getValue().initialize(new SplittableRandom(seedFor(seed, e.getKey()))));
        return this;
    }

    /** The generator seed of the entry named {@code name} under model seed {@code seed}. */
    static long seedFor(long seed, String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a, stable across JVMs unlike identity hashes
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return mix(seed ^ mix(h));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * torch's load_state_dict: takes the tensors (not copied) whose names match, after each module has adapted
     * its part of the map (older key names, dropped entries; see {@link #adaptState}). Shape or dtype mismatches
     * always fail; with {@code strict} missing or unexpected keys fail too.
     *
     * @return the keys this module has but the map lacked, and the map's keys this module does not have
     */
    public LoadResult loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
        StateDictCheck c = checkStateDict(stateDict);
        List<String> errors = new ArrayList<>();
        c.mismatched().forEach(m -> errors.add(m.key() + ": expected " + m.expected().dtype()
                + java.util.Arrays.toString(m.expected().shape()) + ", got " + m.actual().dtype()
                + java.util.Arrays.toString(m.actual().shape())));
        if (strict && (!c.missing().isEmpty() || !c.unexpected().isEmpty())) {
            errors.add("missing keys " + c.missing() + ", unexpected keys " + c.unexpected());
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("state dict does not fit " + typeName() + ": "
                    + String.join("; ", errors));
        }
        Map<String, StateEntry> entries = stateEntries();
        c.adapted().forEach((k, t) -> {
            StateEntry e = entries.get(k);
            if (e != null) {
                e.set(t);
            }
        });
        return new LoadResult(c.missing(), c.unexpected());
    }

    /**
     * How {@code stateDict} fits this module without loading it: each module first adapts its part of a copy of
     * the map (older key names, dropped entries; see {@link #adaptState}), then keys, dtypes and shapes are
     * compared.
     */
    public StateDictCheck checkStateDict(Map<String, Tensor> stateDict) {
        Map<String, Tensor> sd = new LinkedHashMap<>(stateDict);
        namedModules().forEach((prefix, m) -> m.adaptState(prefix.isEmpty() ? "" : prefix + ".", sd));
        Map<String, StateEntry> entries = stateEntries();
        List<String> missing = new ArrayList<>();
        List<StateDictCheck.Mismatch> mismatched = new ArrayList<>();
        entries.forEach((k, e) -> {
            Tensor t = sd.get(k);
            if (t == null) {
                missing.add(k);
            } else if (t.dtype() != e.dtype() || !java.util.Arrays.equals(t.shape(), e.shape())) {
                mismatched.add(new StateDictCheck.Mismatch(k, e, t));
            }
        });
        List<String> unexpected = sd.keySet().stream().filter(k -> !entries.containsKey(k)).toList();
        return new StateDictCheck(Collections.unmodifiableMap(sd), List.copyOf(missing), unexpected,
                List.copyOf(mismatched));
    }

    /** Keys the model has that the state dict lacked, and keys of the state dict the model does not have. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    }

    /**
     * Hook of {@link #loadStateDict}: rewrites this module's entries (named {@code prefix + name}) in the mutable
     * map before matching, as torch modules' _load_from_state_dict does. The default does nothing.
     */
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    @Override
    public String toString() {
        return typeName();
    }
}
