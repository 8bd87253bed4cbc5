package org.rcnn4j.nn;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/** Per-channel constants ([C]) in the dtype and on the backend of the tensor they scale. */
final class ChannelVectors {
    private ChannelVectors() {
    }

    static Var like(Var x, double[] values) {
        Tensor host;
        if (x.dtype() == DType.F64) {
            host = Tensor.ofDoubles(values.clone(), values.length);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            host = Tensor.ofFloats(f, f.length);
        }
        return Var.fromHost(x.backend(), host);
    }
}
