package org.rcnn4j.io.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Replaces the {@link TensorRef}s of an unpickled object with contiguous tensors copied from their storages. */
final class Materializer {
    private Materializer() {
    }

    static Object materialize(Object o, Map<String, ByteBuffer> data) throws IOException {
        if (o instanceof TensorRef t) {
            return tensor(t, data.get(t.storage().key()));
        }
        if (o instanceof Map<?, ?> m) {
            LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(e.getKey(), materialize(e.getValue(), data));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(materialize(x, data));
            }
            return l instanceof ArrayList<?> ? out : java.util.Collections.unmodifiableList(out);
        }
        if (o instanceof StorageRef || o instanceof SafeUnpickler.Global || o instanceof StorageType) {
            throw new PickleException("the file holds " + o + " outside a tensor");
        }
        return o;
    }

    static DType dtypeOf(StorageType t) {
        return switch (t) {
            case FLOAT, HALF, BFLOAT16 -> DType.F32;
            case DOUBLE -> DType.F64;
            case LONG -> DType.I64;
            case INT, SHORT, CHAR -> DType.I32;
            case BYTE, BOOL -> DType.U8;
        };
    }

    static Tensor tensor(TensorRef t, ByteBuffer storage) throws IOException {
        StorageRef s = t.storage();
        if (storage == null) {
            throw new PickleException("no data for storage '" + s.key() + "'");
        }
        long[] size = t.size();
        long[] stride = t.stride();
        int[] shape = new int[size.length];
        long numel = 1;
        long last = t.offset();
        for (int d = 0; d < size.length; d++) {
            if (size[d] < 0 || size[d] > Integer.MAX_VALUE || stride[d] < 0) {
                throw new PickleException("tensor of size " + Arrays.toString(size) + " and stride "
                        + Arrays.toString(stride) + " is not supported");
            }
            shape[d] = (int) size[d];
            numel *= size[d];
            if (numel > Integer.MAX_VALUE - 16) {
                throw new PickleException("tensor of size " + Arrays.toString(size) + " is too large");
            }
            last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d])); // overflow: corrupt
        }
        if (numel > 0 && (t.offset() < 0 || last >= s.numel())) {
            throw new PickleException("tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
                    + " and offset " + t.offset() + " reaches past its storage '" + s.key() + "' of " + s.numel()
                    + " elements");
        }
        int n = (int) numel;
        long base = s.viewOffset() + t.offset();
        long[] src = indices(n, base, size, stride);
        int es = s.type().elementSize();
        Tensor out = Tensor.zeros(dtypeOf(s.type()), shape);
        if (src == null && n > 0 && bulk(storage, (int) (base * es), s.type(), out)) {
            return out;
        }
        switch (s.type()) {
            case FLOAT -> {
                float[] a = out.floats();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.getFloat(at(src, i, base, es));
                }
            }
            case HALF -> {
                float[] a = out.floats();
                for (int i = 0; i < n; i++) {
                    a[i] = halfToFloat(storage.getShort(at(src, i, base, es)));
                }
            }
            case BFLOAT16 -> {
                float[] a = out.floats();
                for (int i = 0; i < n; i++) {
                    a[i] = Float.intBitsToFloat((storage.getShort(at(src, i, base, es)) & 0xffff) << 16);
                }
            }
            case DOUBLE -> {
                double[] a = out.doubles();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.getDouble(at(src, i, base, es));
                }
            }
            case LONG -> {
                long[] a = out.longs();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.getLong(at(src, i, base, es));
                }
            }
            case INT -> {
                int[] a = out.ints();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.getInt(at(src, i, base, es));
                }
            }
            case SHORT -> {
                int[] a = out.ints();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.getShort(at(src, i, base, es));
                }
            }
            case CHAR -> {
                int[] a = out.ints();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.get(at(src, i, base, es));
                }
            }
            case BYTE -> {
                byte[] a = out.bytes();
                for (int i = 0; i < n; i++) {
                    a[i] = storage.get(at(src, i, base, es));
                }
            }
            case BOOL -> {
                byte[] a = out.bytes();
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (storage.get(at(src, i, base, es)) != 0 ? 1 : 0);
                }
            }
        }
        return out;
    }

    /** Copies a contiguous run with the buffer's bulk views; false for types that need a conversion. */
    private static boolean bulk(ByteBuffer storage, int byteOffset, StorageType type, Tensor out) {
        ByteBuffer b = storage.duplicate().order(storage.order()).position(byteOffset);
        switch (type) {
            case FLOAT -> b.asFloatBuffer().get(out.floats());
            case DOUBLE -> b.asDoubleBuffer().get(out.doubles());
            case LONG -> b.asLongBuffer().get(out.longs());
            case INT -> b.asIntBuffer().get(out.ints());
            case BYTE -> b.get(out.bytes());
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Byte position of element i: contiguous tensors (src null) run from base. */
    private static int at(long[] src, int i, long base, int es) {
        return (int) ((src == null ? base + i : src[i]) * es);
    }

    /** Storage element index of each output element in row-major order, or null when the view is contiguous. */
    private static long[] indices(int n, long base, long[] size, long[] stride) {
        long expect = 1;
        boolean contiguous = true;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expect) {
                contiguous = false;
            }
            expect *= size[d];
        }
        if (contiguous || n == 0) {
            return null;
        }
        long[] out = new long[n];
        int[] idx = new int[size.length];
        long off = base;
        for (int i = 0; i < n; i++) {
            out[i] = off;
            for (int d = size.length - 1; d >= 0; d--) {
                if (++idx[d] < size[d]) {
                    off += stride[d];
                    break;
                }
                off -= (size[d] - 1) * stride[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** IEEE 754 binary16 to float (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }
}
