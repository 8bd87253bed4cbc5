package org.rcnn4j.io.torch;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pickle reader that only builds data: Python values become Java ones (None → null, bool → Boolean, int → Long or
 * BigInteger, float → Double, str → String, bytes → byte[], list → ArrayList, tuple → an unmodifiable List,
 * dict/OrderedDict → LinkedHashMap) and torch's tensor rebuild calls become {@link TensorRef}s. Only the globals
 * of PyTorch weight files are accepted ({@link #ALLOWED}); any other global is an error at the GLOBAL opcode, so
 * nothing a pickle names is ever called or loaded.
 */
final class SafeUnpickler {
    /** Resolves a persistent id (BINPERSID) to a storage. */
    interface PersistentLoader {
        StorageRef load(Object pid) throws IOException;
    }

    /** A global the pickle referred to (only allowed ones are created). */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_V2 = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD = new Global("torch._utils", "_rebuild_tensor");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Global REBUILD_FROM_TYPE = new Global("torch._tensor", "_rebuild_from_type_v2");
    /** Classes that may only appear as _rebuild_from_type_v2's type argument; never called. */
    private static final Set<Global> TENSOR_TYPES = Set.of(new Global("torch._tensor", "Tensor"),
            new Global("torch", "Tensor"), new Global("torch.nn.parameter", "Parameter"));

    /** Every global a pickle may name, for error messages. */
    static final Set<String> ALLOWED;

    static {
        Set<String> s = new TreeSet<>();
        for (Global g : List.of(ORDERED_DICT, REBUILD_V2, REBUILD, REBUILD_PARAMETER, REBUILD_FROM_TYPE)) {
            s.add(g.toString());
        }
        TENSOR_TYPES.forEach(g -> s.add(g.toString()));
        for (StorageType t : StorageType.values()) {
            s.add(t.toString());
        }
        ALLOWED = Collections.unmodifiableSet(s);
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final PickleInput in;
    private final PersistentLoader persistent;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final HashMap<Long, Object> memo = new HashMap<>();

    private SafeUnpickler(PickleInput in, PersistentLoader persistent) {
        this.in = in;
        this.persistent = persistent;
    }

    /** Reads one pickle (up to its STOP) and returns its value. */
    static Object load(PickleInput in, PersistentLoader persistent) throws IOException {
        return new SafeUnpickler(in, persistent).run();
    }

    private Object run() throws IOException {
        while (true) {
            long at = in.position();
            int op = in.read();
            try {
                if (step(op)) {
                    return pop();
                }
            } catch (PickleException e) {
                throw new PickleException(e.getMessage() + " (opcode 0x" + Integer.toHexString(op) + " at byte " + at
                        + ")");
            }
        }
    }

    /** Executes one opcode; true at STOP. */
    private boolean step(int op) throws IOException {
        switch (op) {
            case 0x80 -> { // PROTO
                int proto = in.read();
                if (proto > 5) {
                    throw new PickleException("unsupported pickle protocol " + proto);
                }
            }
            case 0x95 -> in.readBytes(8, "FRAME length"); // FRAME: framing is only a read-ahead hint
            case '.' -> { // STOP
                if (stack.size() != 1 || !marks.isEmpty()) {
                    throw new PickleException("STOP with " + stack.size() + " values on the stack");
                }
                return true;
            }
            case 'c' -> push(global(line("GLOBAL module"), line("GLOBAL name")));
            case 0x93 -> { // STACK_GLOBAL
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL needs two strings");
                }
                push(global(m, n));
            }
            case 'q' -> memo.put((long) in.read(), peek()); // BINPUT
            case 'r' -> memo.put(uint32(), peek()); // LONG_BINPUT
            case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
            case 'h' -> push(memoGet(in.read())); // BINGET
            case 'j' -> push(memoGet(uint32())); // LONG_BINGET
            case '(' -> { // MARK
                marks.add(stack.size());
                stack.add(MARK);
            }
            case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
            case 't' -> push(tuple(popMark())); // TUPLE
            case 0x85 -> push(tuple(Arrays.asList(pop()))); // TUPLE1
            case 0x86 -> { // TUPLE2
                Object b = pop();
                Object a = pop();
                push(tuple(Arrays.asList(a, b)));
            }
            case 0x87 -> { // TUPLE3
                Object c = pop();
                Object b = pop();
                Object a = pop();
                push(tuple(Arrays.asList(a, b, c)));
            }
            case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
            case 'd' -> { // DICT
                LinkedHashMap<Object, Object> d = new LinkedHashMap<>();
                setItems(d, popMark());
                push(d);
            }
            case 's' -> { // SETITEM
                Object v = pop();
                Object k = pop();
                dictOnTop("SETITEM").put(key(k), v);
            }
            case 'u' -> { // SETITEMS
                List<Object> items = popMark();
                setItems(dictOnTop("SETITEMS"), items);
            }
            case ']' -> push(new ArrayList<>()); // EMPTY_LIST
            case 'l' -> push(new ArrayList<>(popMark())); // LIST
            case 'a' -> { // APPEND
                Object v = pop();
                listOnTop("APPEND").add(v);
            }
            case 'e' -> { // APPENDS
                List<Object> items = popMark();
                listOnTop("APPENDS").addAll(items);
            }
            case 'R' -> { // REDUCE
                Object args = pop();
                Object callable = pop();
                push(call(callable, args));
            }
            case 0x81 -> { // NEWOBJ
                Object args = pop();
                Object cls = pop();
                if (!ORDERED_DICT.equals(cls) || !(args instanceof List<?> l) || !l.isEmpty()) {
                    throw new PickleException("NEWOBJ is only accepted for an empty collections.OrderedDict, got "
                            + describe(cls));
                }
                push(new LinkedHashMap<>());
            }
            case 'b' -> { // BUILD
                Object state = pop();
                Object target = peek();
                // attributes set on a dict (OrderedDict._metadata) or a tensor's extra state: not tensor data
                if (!(target instanceof Map<?, ?>) && !(target instanceof TensorRef)) {
                    throw new PickleException("BUILD on " + describe(target) + " is not supported");
                }
                if (state != null && !(state instanceof Map<?, ?>) && !(state instanceof List<?>)) {
                    throw new PickleException("BUILD with a " + describe(state) + " state is not supported");
                }
            }
            case 'Q' -> push(persistent.load(pop())); // BINPERSID
            case 'J' -> push((long) int32()); // BININT
            case 'K' -> push((long) in.read()); // BININT1
            case 'M' -> push((long) (in.read() | in.read() << 8)); // BININT2
            case 0x8a -> push(longN(in.read())); // LONG1
            case 0x8b -> push(longN(uint32())); // LONG4
            case 'G' -> push(Double.longBitsToDouble(bigEndianLong())); // BINFLOAT
            case 'N' -> push(null); // NONE
            case 0x88 -> push(Boolean.TRUE); // NEWTRUE
            case 0x89 -> push(Boolean.FALSE); // NEWFALSE
            case 'X' -> push(utf8(uint32())); // BINUNICODE
            case 0x8c -> push(utf8(in.read())); // SHORT_BINUNICODE
            case 0x8d -> push(utf8(uint64())); // BINUNICODE8
            case 'T' -> push(latin1(uint32())); // BINSTRING
            case 'U' -> push(latin1(in.read())); // SHORT_BINSTRING
            case 'B' -> push(in.readBytes(uint32(), "BINBYTES")); // BINBYTES
            case 'C' -> push(in.readBytes(in.read(), "SHORT_BINBYTES")); // SHORT_BINBYTES
            default -> throw new PickleException("unsupported pickle opcode 0x" + Integer.toHexString(op)
                    + (op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : "")
                    + " (rcnn4j reads the opcodes of PyTorch weight files only)");
        }
        return false;
    }

    private Object global(String module, String name) throws PickleException {
        Global g = new Global(module, name);
        if (ALLOWED.contains(g.toString())) {
            return module.equals("torch") && StorageType.byClassName(name) != null ? StorageType.byClassName(name) : g;
        }
        throw new PickleException("forbidden global '" + g + "': rcnn4j loads only tensors and accepts only the "
                + "globals of PyTorch weight files (" + String.join(", ", ALLOWED) + "); nothing was executed");
    }

    private Object call(Object callable, Object argsObj) throws IOException {
        if (!(argsObj instanceof List<?> args)) {
            throw new PickleException("REDUCE arguments must be a tuple, got " + describe(argsObj));
        }
        if (ORDERED_DICT.equals(callable)) {
            LinkedHashMap<Object, Object> d = new LinkedHashMap<>();
            if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                for (Object p : pairs) {
                    if (!(p instanceof List<?> kv) || kv.size() != 2) {
                        throw new PickleException("OrderedDict items must be (key, value) pairs");
                    }
                    d.put(key(kv.get(0)), kv.get(1));
                }
            } else if (!args.isEmpty()) {
                throw new PickleException("collections.OrderedDict called with " + args.size() + " arguments");
            }
            return d;
        }
        if (REBUILD_V2.equals(callable) || REBUILD.equals(callable)) {
            boolean v2 = REBUILD_V2.equals(callable);
            if (v2 ? args.size() != 6 && args.size() != 7 : args.size() != 4) {
                throw new PickleException(callable + " called with " + args.size() + " arguments");
            }
            if (!(args.get(0) instanceof StorageRef s)) {
                throw new PickleException(callable + " needs a storage, got " + describe(args.get(0)));
            }
            long offset = asLong(args.get(1), "storage_offset");
            long[] size = longs(args.get(2), "size");
            long[] stride = longs(args.get(3), "stride");
            if (size.length != stride.length) {
                throw new PickleException("tensor size " + Arrays.toString(size) + " and stride "
                        + Arrays.toString(stride) + " differ in length");
            }
            return new TensorRef(s, offset, size, stride);
        }
        if (REBUILD_PARAMETER.equals(callable)) {
            if (args.size() != 3 || !(args.get(0) instanceof TensorRef t)) {
                throw new PickleException("torch._utils._rebuild_parameter needs (tensor, requires_grad, hooks)");
            }
            return t;
        }
        if (REBUILD_FROM_TYPE.equals(callable)) {
            if (args.size() != 4 || !TENSOR_TYPES.contains(args.get(1))) {
                throw new PickleException("torch._tensor._rebuild_from_type_v2 needs (func, a tensor type, args, "
                        + "state), got " + describe(args.size() > 1 ? args.get(1) : null));
            }
            Object func = args.get(0);
            if (!REBUILD_V2.equals(func) && !REBUILD.equals(func) && !REBUILD_PARAMETER.equals(func)) {
                throw new PickleException("torch._tensor._rebuild_from_type_v2 of " + describe(func));
            }
            return call(func, args.get(2));
        }
        throw new PickleException("cannot call " + describe(callable));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global || o instanceof StorageType) {
            return o.toString();
        }
        return "a " + o.getClass().getSimpleName();
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws PickleException {
        int n = stack.size();
        if (n == 0 || stack.get(n - 1) == MARK) {
            throw new PickleException("stack underflow");
        }
        return stack.remove(n - 1);
    }

    private Object peek() throws PickleException {
        int n = stack.size();
        if (n == 0 || stack.get(n - 1) == MARK) {
            throw new PickleException("stack underflow");
        }
        return stack.get(n - 1);
    }

    private List<Object> popMark() throws PickleException {
        if (marks.isEmpty()) {
            throw new PickleException("no MARK on the stack");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop(String op) throws PickleException {
        Object t = peek();
        if (!(t instanceof LinkedHashMap<?, ?>)) {
            throw new PickleException(op + " on " + describe(t));
        }
        return (Map<Object, Object>) t;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop(String op) throws PickleException {
        Object t = peek();
        if (!(t instanceof ArrayList<?>)) {
            throw new PickleException(op + " on " + describe(t));
        }
        return (List<Object>) t;
    }

    private static void setItems(Map<Object, Object> d, List<Object> items) throws PickleException {
        if (items.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            d.put(key(items.get(i)), items.get(i + 1));
        }
    }

    /** Dict keys must be hashable by value: strings, numbers, booleans, None or tuples of those. */
    private static Object key(Object k) throws PickleException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double
                || k instanceof Boolean || k instanceof Tuple) {
            return k;
        }
        throw new PickleException("unsupported dict key " + describe(k));
    }

    /** A Python tuple: an unmodifiable list that may hold nulls. */
    static final class Tuple extends java.util.AbstractList<Object> {
        private final Object[] items;

        Tuple(List<Object> items) {
            this.items = items.toArray();
        }

        @Override
        public Object get(int i) {
            return items[i];
        }

        @Override
        public int size() {
            return items.length;
        }
    }

    private static Tuple tuple(List<Object> items) {
        return new Tuple(items);
    }

    private Object memoGet(long i) throws PickleException {
        if (!memo.containsKey(i)) {
            throw new PickleException("memo entry " + i + " is not set");
        }
        return memo.get(i);
    }

    private static long asLong(Object o, String what) throws PickleException {
        if (o instanceof Long l) {
            return l;
        }
        throw new PickleException(what + " must be an int, got " + describe(o));
    }

    private static long[] longs(Object o, String what) throws PickleException {
        if (!(o instanceof List<?> l)) {
            throw new PickleException(what + " must be a tuple of ints, got " + describe(o));
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(l.get(i), what);
        }
        return out;
    }

    private String line(String what) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (sb.length() > 256) {
                throw new PickleException(what + " longer than 256 characters");
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private long uint32() throws IOException {
        return int32() & 0xffffffffL;
    }

    private int int32() throws IOException {
        return in.read() | in.read() << 8 | in.read() << 16 | in.read() << 24;
    }

    private long uint64() throws IOException {
        long v = uint32() | uint32() << 32;
        if (v < 0) {
            throw new PickleException("length " + Long.toUnsignedString(v) + " too large");
        }
        return v;
    }

    private long bigEndianLong() throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | in.read();
        }
        return v;
    }

    private Object longN(long n) throws IOException {
        byte[] le = in.readBytes(n, "LONG");
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(long n) throws IOException {
        return new String(in.readBytes(n, "string"), StandardCharsets.UTF_8);
    }

    private String latin1(long n) throws IOException {
        return new String(in.readBytes(n, "string"), StandardCharsets.ISO_8859_1);
    }
}
