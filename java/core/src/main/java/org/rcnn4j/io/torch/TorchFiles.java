package org.rcnn4j.io.torch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.rcnn4j.tensor.Tensor;

/**
 * PyTorch weight files ({@code torch.save}) read without Python and without running anything from the file: the
 * zip format (torch ≥ 1.6: data.pkl plus data/KEY records) and the legacy format (a sequence of pickles followed by
 * the raw storages). Pickles go through {@link SafeUnpickler}, which accepts only tensor-rebuilding globals.
 *
 * <p>Tensors come back contiguous (views of one storage are copied out): float/double/int64/int32/uint8 as
 * F32/F64/I64/I32/U8; half and bfloat16 as F32; int16 and int8 as I32; bool as U8 (0/1).
 */
public final class TorchFiles {
    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long LEGACY_PROTOCOL = 1001;

    private TorchFiles() {
    }

    /**
     * The file's object with its tensors: dicts as LinkedHashMap, lists as List, tensors as {@link Tensor}.
     *
     * @throws IOException naming the file and what is wrong: not a PyTorch file, corrupt or truncated, or a
     *     pickle naming a global other than torch's tensor rebuild functions
     */
    public static Object read(Path file) throws IOException {
        try {
            byte[] head = new byte[4];
            int n;
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, 4);
            }
            if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                return readZip(file);
            }
            if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] == 2) {
                return readLegacy(file);
            }
            throw new IOException("not a PyTorch file (neither a zip archive nor a legacy pickle; first bytes "
                    + hex(head, n) + ")");
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            String m = e.getMessage();
            throw new IOException(file + ": " + (e instanceof EOFException ? "truncated: " : "")
                    + (m == null ? e.getClass().getSimpleName() : m), e);
        } catch (RuntimeException e) { // a corrupt structure that slipped past the checks: still the file's fault
            throw new IOException(file + ": corrupt PyTorch file (" + e + ")", e);
        } catch (StackOverflowError e) { // values nested thousands deep: no weight file looks like that
            throw new IOException(file + ": corrupt PyTorch file (values nested too deeply)");
        }
    }

    /**
     * A state_dict: the file's dict of tensors, or the one under "model" or "state_dict" (training checkpoints), in
     * the file's order.
     */
    public static LinkedHashMap<String, Tensor> readStateDict(Path file) throws IOException {
        Object root = read(file);
        LinkedHashMap<String, Tensor> sd = asStateDict(root);
        if (sd == null && root instanceof Map<?, ?> m) {
            for (String k : new String[] {"model", "state_dict"}) {
                sd = asStateDict(m.get(k));
                if (sd != null) {
                    break;
                }
            }
        }
        if (sd == null) {
            throw new IOException(file + ": holds " + describe(root) + ", not a state_dict (a dict of tensors, "
                    + "possibly under 'model' or 'state_dict')");
        }
        return sd;
    }

    private static LinkedHashMap<String, Tensor> asStateDict(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
            return null;
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof Tensor t)) {
                return null;
            }
            out.put(k, t);
        }
        return out;
    }

    private static String describe(Object o) {
        if (o instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>();
            for (Object k : m.keySet()) {
                if (keys.size() == 8) {
                    keys.add("...");
                    break;
                }
                keys.add(String.valueOf(k));
            }
            return "a dict with keys " + keys;
        }
        return o == null ? "None" : "a " + o.getClass().getSimpleName();
    }

    // ---- zip format ---------------------------------------------------------------------------------------------

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            if (!entries.hasMoreElements()) {
                throw new IOException("empty zip archive");
            }
            String first = entries.nextElement().getName();
            int slash = first.indexOf('/');
            if (slash <= 0) {
                throw new IOException("zip entry '" + first + "' is not under an archive folder");
            }
            String prefix = first.substring(0, slash + 1);
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(entry(zip, bo, 16), StandardCharsets.US_ASCII).strip();
                if (s.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!s.equals("little")) {
                    throw new IOException("byteorder is '" + s + "', expected little or big");
                }
            }
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl == null) {
                throw new IOException("no " + prefix + "data.pkl in the archive");
            }
            Map<String, StorageRef> storages = new HashMap<>();
            Object root = SafeUnpickler.load(PickleInput.of(entry(zip, pkl, Integer.MAX_VALUE - 16)),
                    pid -> storage(pid, 5, storages));
            Map<String, ByteBuffer> data = new HashMap<>();
            for (StorageRef s : storages.values()) {
                ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
                if (e == null) {
                    throw new IOException("storage '" + s.key() + "' has no record " + prefix + "data/" + s.key());
                }
                long need = s.numel() * s.type().elementSize();
                if (e.getSize() != need) {
                    throw new IOException("storage '" + s.key() + "' (" + s.numel() + " × " + s.type() + ") needs "
                            + need + " bytes, its record has " + e.getSize());
                }
                data.put(s.key(), ByteBuffer.wrap(entry(zip, e, need)).order(order));
            }
            return Materializer.materialize(root, data);
        } catch (ZipException e) {
            throw new IOException("corrupt zip archive: " + e.getMessage(), e);
        }
    }

    private static byte[] entry(ZipFile zip, ZipEntry e, long max) throws IOException {
        long size = e.getSize();
        if (size > max || size > Integer.MAX_VALUE - 16) {
            throw new IOException("record " + e.getName() + " is " + size + " bytes, more than the " + max
                    + " expected");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(size < 0 ? max : size, Integer.MAX_VALUE - 16));
            if (size >= 0 && b.length != size) {
                throw new EOFException("record " + e.getName() + " has " + b.length + " of its " + size + " bytes");
            }
            return b;
        }
    }

    // ---- legacy format ------------------------------------------------------------------------------------------

    private static Object readLegacy(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            PickleInput in = PickleInput.of(ch, 0);
            SafeUnpickler.PersistentLoader none = pid -> {
                throw new PickleException("unexpected persistent id in a header pickle");
            };
            Object magic = SafeUnpickler.load(in, none);
            if (!LEGACY_MAGIC.equals(magic)) {
                throw new IOException("not a PyTorch file (a pickle without torch's legacy magic number)");
            }
            Object protocol = SafeUnpickler.load(in, none);
            if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
                throw new IOException("legacy protocol " + protocol + ", expected " + LEGACY_PROTOCOL);
            }
            Object sysInfo = SafeUnpickler.load(in, none);
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            if (sysInfo instanceof Map<?, ?> si && Boolean.FALSE.equals(si.get("little_endian"))) {
                order = ByteOrder.BIG_ENDIAN;
            }
            Map<String, StorageRef> storages = new HashMap<>();
            Object root = SafeUnpickler.load(in, pid -> storage(pid, 6, storages));
            Object keysObj = SafeUnpickler.load(in, none);
            if (!(keysObj instanceof List<?> keys)) {
                throw new IOException("storage key list missing after the main object");
            }
            Map<String, Long> rootNumel = new HashMap<>();
            storages.values().forEach(s -> rootNumel.merge(s.key(), s.numel() + s.viewOffset(), Math::max));
            Map<String, ByteBuffer> data = new HashMap<>();
            long pos = in.position();
            ByteBuffer countBuf = ByteBuffer.allocate(8).order(order);
            for (Object k : keys) {
                if (!(k instanceof String key)) {
                    throw new IOException("storage key list holds " + k);
                }
                StorageRef any = storages.values().stream().filter(s -> s.key().equals(key)).findFirst()
                        .orElseThrow(() -> new IOException("storage '" + key + "' is listed but never used"));
                countBuf.clear();
                readFully(ch, countBuf, pos, "storage '" + key + "' size");
                long count = countBuf.getLong(0);
                pos += 8;
                long need = count * any.type().elementSize();
                if (count < rootNumel.get(key) || count < 0 || need > ch.size() - pos || need > Integer.MAX_VALUE - 16) {
                    throw new IOException("storage '" + key + "' has " + count + " elements (" + need + " bytes; "
                            + (ch.size() - pos) + " bytes left in the file; the tensors need " + rootNumel.get(key)
                            + ")");
                }
                ByteBuffer b = ByteBuffer.allocate((int) need);
                readFully(ch, b, pos, "storage '" + key + "'");
                pos += need;
                data.put(key, b.flip().order(order));
            }
            return Materializer.materialize(root, data);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String what) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            if (ch.read(buf, p) < 0) {
                throw new EOFException(what + ": file ends at byte " + p);
            }
            p = position + buf.position();
        }
    }

    /**
     * A persistent id ('storage', type, key, location, numel[, view_metadata]); the same key always names the same
     * storage.
     */
    private static StorageRef storage(Object pid, int arity, Map<String, StorageRef> seen) throws IOException {
        if (pid instanceof List<?> l && !l.isEmpty() && "module".equals(l.get(0))) {
            throw new PickleException("the file holds a pickled nn.Module (torch.save(model)), which would need its "
                    + "Python classes; save model.state_dict() instead");
        }
        if (!(pid instanceof List<?> l) || l.size() < arity - (arity == 6 ? 1 : 0) || l.size() > arity
                || !"storage".equals(l.get(0)) || !(l.get(1) instanceof StorageType type)
                || !(l.get(2) instanceof String key) || !(l.get(3) instanceof String location)
                || !(l.get(4) instanceof Long numel) || numel < 0) {
            throw new PickleException("bad persistent id " + pid + " (expected ('storage', torch.<Type>Storage, key, "
                    + "location, numel))");
        }
        long viewOffset = 0;
        long size = numel;
        String id = key;
        if (l.size() == 6 && l.get(5) != null) {
            if (!(l.get(5) instanceof List<?> v) || v.size() != 3 || !(v.get(0) instanceof String viewKey)
                    || !(v.get(1) instanceof Long off) || !(v.get(2) instanceof Long viewSize) || off < 0
                    || viewSize < 0 || off + viewSize > numel) {
                throw new PickleException("bad storage view metadata " + l.get(5));
            }
            viewOffset = off;
            size = viewSize;
            id = key + "#" + viewKey;
        }
        StorageRef ref = new StorageRef(key, type, location, size, viewOffset);
        StorageRef prev = seen.putIfAbsent(id, ref);
        if (prev != null && !prev.equals(ref)) {
            throw new PickleException("storage '" + key + "' is described twice differently");
        }
        return prev != null ? prev : ref;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return n == 0 ? "(empty file)" : sb.toString();
    }
}
