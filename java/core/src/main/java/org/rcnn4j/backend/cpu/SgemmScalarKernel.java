package org.rcnn4j.backend.cpu;

/** Portable 4x4 micro-kernel (fused multiply-adds, rounding exactly as {@link SgemmVectorKernel}) with its accumulators in locals, for JVMs started without the Vector API. */
final class SgemmScalarKernel extends SgemmKernel {
    @Override
    int mr() {
        return 4;
    }

    @Override
    int nr() {
        return 4;
    }

    @Override
    String describe() {
        return "scalar 4x4";
    }

    @Override
    void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean overwrite) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int ai = aOff;
        int bi = bOff;
        for (int k = 0; k < kc; k++, ai += 4, bi += 4) {
            float b0 = b[bi], b1 = b[bi + 1], b2 = b[bi + 2], b3 = b[bi + 3];
            // Math.fma rounds once per step, as the vector kernel's fma: results do not change when the JIT hands
            // over to the vector kernel mid-run (bit-reproducible training within a JVM)
            float a0 = a[ai];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03);
            float a1 = a[ai + 1];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13);
            float a2 = a[ai + 2];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23);
            float a3 = a[ai + 3];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33);
        }
        if (overwrite) { // the sums themselves (not 0 + sum, which turns -0 into +0), as the vector kernel stores
            set(c, cOff, c00, c01, c02, c03);
            set(c, cOff + ldc, c10, c11, c12, c13);
            set(c, cOff + 2 * ldc, c20, c21, c22, c23);
            set(c, cOff + 3 * ldc, c30, c31, c32, c33);
        } else {
            int o = cOff;
            row(c, o, c[o], c[o + 1], c[o + 2], c[o + 3], c00, c01, c02, c03);
            o += ldc;
            row(c, o, c[o], c[o + 1], c[o + 2], c[o + 3], c10, c11, c12, c13);
            o += ldc;
            row(c, o, c[o], c[o + 1], c[o + 2], c[o + 3], c20, c21, c22, c23);
            o += ldc;
            row(c, o, c[o], c[o + 1], c[o + 2], c[o + 3], c30, c31, c32, c33);
        }
    }

    private static void set(float[] c, int o, float v0, float v1, float v2, float v3) {
        c[o] = v0;
        c[o + 1] = v1;
        c[o + 2] = v2;
        c[o + 3] = v3;
    }

    private static void row(float[] c, int o, float p0, float p1, float p2, float p3, float v0, float v1, float v2,
            float v3) {
        c[o] = p0 + v0;
        c[o + 1] = p1 + v1;
        c[o + 2] = p2 + v2;
        c[o + 3] = p3 + v3;
    }
}
