package org.rcnn4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * The safetensors format: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape,
 * data_offsets}, "__metadata__": {...}}, then the tensors' bytes, little-endian and row-major. Reads F32, F64,
 * I64, I32 and U8 (and I8/U16/I16/BOOL are rejected with their name); writes atomically.
 */
public final class Safetensors {
    /** Larger headers are rejected: a corrupt length must not make us allocate gigabytes. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private Safetensors() {
    }

    /** All tensors of a file, in the file's header order, as host tensors. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Map<?, ?> entries = header(file, ch);
            long n = headerLength(ch);
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, Tensor> out = new LinkedHashMap<>();
            List<long[]> spans = new ArrayList<>();
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    continue;
                }
                out.put(name, readTensor(file, ch, name, e.getValue(), dataStart, dataSize, spans));
            }
            checkTiling(file, spans, dataSize);
            return out;
        }
    }

    /** The file's {@code __metadata__} strings (empty when it has none), without reading the tensors. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Object meta = header(file, ch).get("__metadata__");
            Map<String, String> out = new LinkedHashMap<>();
            if (meta == null) {
                return out;
            }
            if (!(meta instanceof Map<?, ?> m)) {
                throw new IOException(file + ": __metadata__ is not a JSON object");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw new IOException(file + ": __metadata__ value of '" + e.getKey() + "' is not a string");
                }
                out.put((String) e.getKey(), v);
            }
            return out;
        }
    }

    private static long headerLength(FileChannel ch) throws IOException {
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        return lenBuf.getLong(0);
    }

    /** The parsed JSON header, checked to be an object within the file. */
    private static Map<?, ?> header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new IOException(file + ": not a safetensors file (" + size + " bytes)");
        }
        long n = headerLength(ch);
        if (n <= 0 || n > MAX_HEADER_BYTES || 8 + n > size) {
            throw new IOException(file + ": not a safetensors file (header length " + n + ", file size " + size
                    + ")");
        }
        ByteBuffer header = ByteBuffer.allocate((int) n);
        readFully(ch, header, 8);
        Object parsed;
        try {
            parsed = Json.parse(new String(header.array(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad safetensors header: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> entries)) {
            throw new IOException(file + ": safetensors header is not a JSON object");
        }
        return entries;
    }

    private static Tensor readTensor(Path file, FileChannel ch, String name, Object info, long dataStart,
            long dataSize, List<long[]> spans) throws IOException {
        if (!(info instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dt)
                || !(m.get("shape") instanceof List<?> shapeList)
                || !(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2) {
            throw new IOException(file + ": tensor '" + name + "' needs dtype, shape and data_offsets");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(dt);
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": tensor '" + name + "' has dtype " + dt
                    + ", rcnn4j reads F32, F64, I64, I32 and U8");
        }
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new IOException(file + ": tensor '" + name + "' has a bad shape " + shapeList);
            }
            shape[i] = (int) (long) l;
        }
        if (!(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end) || begin < 0 || end < begin
                || end > dataSize) {
            throw new IOException(file + ": tensor '" + name + "' has bad data_offsets " + offs);
        }
        int numel;
        try {
            numel = Shapes.numel(shape);
        } catch (IllegalArgumentException ex) {
            throw new IOException(file + ": tensor '" + name + "': " + ex.getMessage());
        }
        if ((long) numel * dtype.bytes() != end - begin) {
            throw new IOException(file + ": tensor '" + name + "' of shape " + Shapes.format(shape) + " " + dtype
                    + " needs " + (long) numel * dtype.bytes() + " bytes, data_offsets give " + (end - begin));
        }
        spans.add(new long[] {begin, end});
        ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, bytes, dataStart + begin);
        bytes.flip();
        Tensor t = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(t.floats());
            case F64 -> bytes.asDoubleBuffer().get(t.doubles());
            case I64 -> bytes.asLongBuffer().get(t.longs());
            case I32 -> bytes.asIntBuffer().get(t.ints());
            case U8 -> bytes.get(t.bytes());
        }
        return t;
    }

    private static void checkTiling(Path file, List<long[]> spans, long dataSize) throws IOException {
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long at = 0;
        for (long[] s : spans) {
            if (s[0] != at) {
                throw new IOException(file + ": tensor data " + (s[0] < at ? "overlaps" : "has a gap") + " at byte "
                        + Math.min(s[0], at));
            }
            at = s[1];
        }
        if (at != dataSize) {
            throw new IOException(file + ": " + (dataSize - at) + " bytes after the last tensor");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += r;
        }
    }

    /** Writes host tensors (in the map's order) and optional string metadata, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        checkHost(tensors);
        AtomicFiles.write(file, out -> writeTo(out, tensors, metadata));
    }

    private static void checkHost(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (!e.getValue().isHost()) {
                throw new IllegalArgumentException(e.getKey() + ": copy the tensor to the host before writing it");
            }
        }
    }

    /** The safetensors bytes of host tensors and optional metadata, to a stream (flushed, not closed). */
    public static void writeTo(OutputStream raw, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        checkHost(tensors);
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * t.dtype().bytes();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().safetensorsName());
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) {
                shape.add((long) d);
            }
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, as the reference writer does
        byte[] headerBytes = new byte[json.length + pad];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        java.util.Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');
        OutputStream out = new BufferedOutputStream(raw, 1 << 16);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
        out.write(len.array());
        out.write(headerBytes);
        for (Tensor t : tensors.values()) {
            writeData(out, t);
        }
        out.flush();
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(t.numel() * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().put(t.floats());
            case F64 -> b.asDoubleBuffer().put(t.doubles());
            case I64 -> b.asLongBuffer().put(t.longs());
            case I32 -> b.asIntBuffer().put(t.ints());
            case U8 -> b.put(t.bytes());
        }
        out.write(b.array());
    }
}
