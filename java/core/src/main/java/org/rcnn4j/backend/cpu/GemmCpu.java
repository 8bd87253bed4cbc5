package org.rcnn4j.backend.cpu;

import org.rcnn4j.backend.MatmulShape;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * matmul: C = op(A)·op(B) on the host, F32 through the blocked {@link SgemmDriver} or, in a backend on oneDNN,
 * {@link OneDnnMatmul}; F64 through {@link Dgemm}.
 */
final class GemmCpu {
    private GemmCpu() {
    }

    static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB, boolean oneDnn) {
        MatmulShape shape = MatmulShape.of(a, b, transposeA, transposeB);
        int m = shape.m();
        int k = shape.k();
        int n = shape.n();
        // op(A)[i][kk] = a[i*lda + kk] or a[kk*lda + i]; likewise op(B)
        int lda = a.size(1);
        int ldb = b.size(1);
        int aRs = transposeA ? 1 : lda;
        int aCs = transposeA ? lda : 1;
        int bRs = transposeB ? 1 : ldb;
        int bCs = transposeB ? ldb : 1;
        Tensor c = Tensor.zeros(a.dtype(), m, n);
        if (a.dtype() == DType.F32 && oneDnn) {
            OneDnnMatmul.multiply(m, n, k, a.floats(), transposeA, b.floats(), transposeB, c.floats());
        } else if (a.dtype() == DType.F32) {
            SgemmDriver.get().multiply(m, n, k, SgemmPack.a(a.floats(), 0, aRs, aCs),
                    SgemmPack.b(b.floats(), 0, bRs, bCs), c.floats(), 0, n, true);
        } else {
            Dgemm.multiply(m, n, k, a.doubles(), 0, aRs, aCs, b.doubles(), 0, bRs, bCs, c.doubles(), 0, n, true);
        }
        return c;
    }
}
