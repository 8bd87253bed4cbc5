package org.rcnn4j.backend.cpu;

import java.util.Map;
import org.rcnn4j.backend.Conv2dParams;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Helpers shared by the conv2d and matmul tests. */
final class ConvTestData {
    private ConvTestData() {
    }

    static Tensor toF64(Tensor t) {
        if (t == null) {
            return null;
        }
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return Tensor.ofDoubles(d, t.shape());
    }

    static Tensor toF32(Tensor t) {
        float[] d = new float[t.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) t.getDouble(i);
        }
        return Tensor.ofFloats(d, t.shape());
    }

    /** The params tensor of a conv fixture: stride h,w, padding h,w, dilation h,w, groups. */
    static Conv2dParams params(Map<String, Tensor> fixture) {
        Tensor p = fixture.get("params");
        return new Conv2dParams((int) p.getLong(0), (int) p.getLong(1), (int) p.getLong(2), (int) p.getLong(3),
                (int) p.getLong(4), (int) p.getLong(5), (int) p.getLong(6));
    }

    static Tensor zerosLike(DType d, Tensor t) {
        return Tensor.zeros(d, t.shape());
    }
}
