package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rcnn4j.tensor.Tensor;

/** Fixture helpers for the detection tests. */
final class Fx {
    private Fx() {
    }

    static List<Tensor> list(Map<String, Tensor> f, String prefix, int n) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(f.get(prefix + i));
        }
        return out;
    }

    static List<SampledIndices> samples(Map<String, Tensor> f, int n) {
        List<SampledIndices> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SampledIndices(f.get("sample.pos" + i).longs(), f.get("sample.neg" + i).longs()));
        }
        return out;
    }

    static List<int[]> sizes(Tensor t) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < t.size(0); i++) {
            out.add(new int[] {(int) t.getLong(2 * i), (int) t.getLong(2 * i + 1)});
        }
        return out;
    }

    /** A fresh host copy (fixture tensors are shared by the tests of a class). */
    static Tensor copy(Tensor t) {
        return switch (t.dtype()) {
            case F32 -> Tensor.ofFloats(t.floats().clone(), t.shape());
            case F64 -> Tensor.ofDoubles(t.doubles().clone(), t.shape());
            case I64 -> Tensor.ofLongs(t.longs().clone(), t.shape());
            case I32 -> Tensor.ofInts(t.ints().clone(), t.shape());
            case U8 -> Tensor.ofBytes(t.bytes().clone(), t.shape());
        };
    }
}
