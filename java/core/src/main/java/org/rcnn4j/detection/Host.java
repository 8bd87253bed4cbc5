package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Host views of backend tensors for the detection bookkeeping (matching, sampling, gathering small index sets),
 * which torchvision also runs as many tiny ops: here it runs on host arrays and only the heavy ops (IoU, box
 * coding, NMS, RoIAlign) go through the {@link Backend}.
 */
final class Host {
    private Host() {
    }

    /**
     * Host copies of the device tensors this class uploaded from host values (targets, labels, sampled indices),
     * weakly keyed by the device tensor's identity: the bookkeeping reads back only what the device computed, not
     * what it wrote itself a moment before. Those tensors are never written in place (fresh per step), so the copy
     * stays their value.
     */
    private static final Map<Tensor, Tensor> MIRRORS = Collections.synchronizedMap(new WeakHashMap<>());

    static Tensor host(Backend b, Tensor t) {
        if (t.isHost()) {
            return t;
        }
        Tensor mirror = MIRRORS.get(t);
        return mirror != null ? mirror : b.toHost(t);
    }

    /** host on the backend, remembered as the device copy's host values (see {@link #MIRRORS}). */
    private static Tensor mirrored(Backend b, Tensor host) {
        Tensor d = b.toDevice(host);
        if (d != host && host.isHost()) {
            MIRRORS.put(d, host);
        }
        return d;
    }

    /**
     * Host views of several tensors for one host synchronization on a device (host tensors come back as they
     * are): the per-image bookkeeping reads everything a step needs together rather than one tensor at a time.
     */
    static List<Tensor> hostAll(Backend b, List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>(ts.size());
        List<Tensor> onDevice = new ArrayList<>();
        for (Tensor t : ts) {
            Tensor known = t.isHost() ? t : MIRRORS.get(t);
            out.add(known);
            if (known == null) {
                onDevice.add(t);
            }
        }
        if (!onDevice.isEmpty()) {
            List<Tensor> read = b.toHost(onDevice);
            for (int i = 0, j = 0; i < out.size(); i++) {
                if (out.get(i) == null) {
                    out.set(i, read.get(j++));
                }
            }
        }
        return out;
    }

    /** The lists laid end to end (for {@link #hostAll}). */
    @SafeVarargs
    static List<Tensor> concat(List<Tensor>... lists) {
        List<Tensor> out = new ArrayList<>();
        for (List<Tensor> l : lists) {
            out.addAll(l);
        }
        return out;
    }

    /** F32 values (a copy of other float dtypes). */
    static float[] floats(Backend b, Tensor t) {
        Tensor h = host(b, t);
        if (h.dtype() == DType.F32) {
            return h.floats();
        }
        float[] f = new float[h.numel()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) h.getDouble(i);
        }
        return f;
    }

    static long[] longs(Backend b, Tensor t) {
        Tensor h = host(b, t);
        if (h.dtype() == DType.I64) {
            return h.longs();
        }
        long[] l = new long[h.numel()];
        for (int i = 0; i < l.length; i++) {
            l[i] = h.getLong(i);
        }
        return l;
    }

    static double[] doubles(Backend b, Tensor t) {
        Tensor h = host(b, t);
        double[] d = new double[h.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = h.getDouble(i);
        }
        return d;
    }

    static Tensor upload(Backend b, Tensor host) {
        return mirrored(b, host);
    }

    static Tensor floatsOn(Backend b, float[] data, int... shape) {
        return mirrored(b, Tensor.ofFloats(data, shape));
    }

    static Tensor longsOn(Backend b, long[] data, int... shape) {
        return mirrored(b, Tensor.ofLongs(data, shape));
    }

    /** Values as a tensor of a float dtype (F32 or F64), for targets that must match a prediction's dtype. */
    static Tensor asDType(Backend b, float[] data, DType dtype, int... shape) {
        if (dtype == DType.F64) {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = data[i];
            }
            return mirrored(b, Tensor.ofDoubles(d, shape));
        }
        return floatsOn(b, data, shape);
    }

    /**
     * Rows of t picked by host indices, on the backend (no host copy of t), as a tensor of {@code dtype} (F32 or
     * F64): targets gathered where the device computed them. Owned by the caller.
     */
    static Tensor rowsOn(Backend b, Tensor t, long[] idx, DType dtype) {
        Tensor picked = b.gather().indexSelect(t, Tensor.ofLongs(idx, idx.length));
        return as(b, picked, dtype);
    }

    /** The parts laid end to end along dim 0 on the backend, as {@code dtype}; the parts are closed. */
    static Tensor catRowsOn(Backend b, List<Tensor> parts, DType dtype) {
        try {
            return as(b, b.select().catRows(parts), dtype);
        } finally {
            parts.forEach(Tensor::close);
        }
    }

    /** t (owned) converted to dtype, or t itself when it has it (F32 to F64 is exact, as asDType's widening). */
    static Tensor as(Backend b, Tensor t, DType dtype) {
        if (t.dtype() == dtype) {
            return t;
        }
        try (t) {
            return b.convert().to(t, dtype);
        }
    }

    /** Rows [r,4] of a host float array of boxes. */
    static float[] rows4(float[] boxes, long[] idx) {
        float[] out = new float[idx.length * 4];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(boxes, (int) idx[i] * 4, out, i * 4, 4);
        }
        return out;
    }

    static int rowsOf(Tensor boxes, String name) {
        if (boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException(name + ": expected boxes [N,4], got " + boxes);
        }
        return boxes.size(0);
    }

    @SafeVarargs
    static void closeAll(List<Tensor>... lists) {
        for (List<Tensor> l : lists) {
            for (Tensor t : l) {
                t.close();
            }
        }
    }

    static <T> void sameSize(String a, List<?> x, String b, List<T> y) {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException(a + " and " + b + " must have one entry per image, got " + x.size()
                    + " and " + y.size());
        }
    }
}
