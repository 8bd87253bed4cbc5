package org.rcnn4j.backend;

import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * A checked matmul problem C[m,n] = op(a)[m,k] · op(b)[k,n], op transposing when asked. Both backends build one
 * before touching data, so both reject the same bad arguments with the same messages.
 */
public record MatmulShape(int m, int k, int n) {

    public static MatmulShape of(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        OpChecks.dims("a", a, 2, "[M,K]");
        OpChecks.floating("a", a);
        OpChecks.dims("b", b, 2, "[K,N]");
        OpChecks.sameDType("b", b, "a", a);
        int m = transposeA ? a.size(1) : a.size(0);
        int k = transposeA ? a.size(0) : a.size(1);
        int kb = transposeB ? b.size(1) : b.size(0);
        int n = transposeB ? b.size(0) : b.size(1);
        if (k != kb) {
            throw new IllegalArgumentException("b: expected op(b) of shape [" + k + ",N] to match op(a) [" + m + ","
                    + k + "], got b " + Shapes.format(b.shape()) + (transposeB ? " transposed" : "")
                    + " (a " + Shapes.format(a.shape()) + (transposeA ? " transposed" : "") + ")");
        }
        return new MatmulShape(m, k, n);
    }
}
