package org.rcnn4j.backend.cpu;

/**
 * A scalar micro-kernel of any tile shape, the stand-in that runs while {@link SgemmWarmUp} compiles the Vector API
 * kernel. It takes that kernel's mr x nr so the hand-over changes nothing: the driver then cuts every product into
 * the same tiles before and after, and sinks that add tiles into shared elements (col2im, where one input pixel
 * gets several taps' contributions) add them in the same order. With the 4x4 scalar kernel the order changed with
 * the moment of the hand-over, and with it the last bits of training. Rounds as the other kernels: fused
 * multiply-adds in k order from zero, then C += the block's sum.
 */
final class SgemmStandInKernel extends SgemmKernel {
    private final int mr;
    private final int nr;
    private final ThreadLocal<float[]> sums;

    SgemmStandInKernel(int mr, int nr) {
        this.mr = mr;
        this.nr = nr;
        this.sums = ThreadLocal.withInitial(() -> new float[mr * nr]);
    }

    @Override
    int mr() {
        return mr;
    }

    @Override
    int nr() {
        return nr;
    }

    @Override
    String describe() {
        return "scalar " + mr + "x" + nr + " (until the vector kernel is compiled)";
    }

    @Override
    void multiply(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean overwrite) {
        float[] s = sums.get();
        java.util.Arrays.fill(s, 0f);
        for (int k = 0; k < kc; k++) {
            int ai = aOff + k * mr;
            int bi = bOff + k * nr;
            for (int i = 0; i < mr; i++) {
                float x = a[ai + i];
                int row = i * nr;
                for (int j = 0; j < nr; j++) {
                    s[row + j] = Math.fma(x, b[bi + j], s[row + j]);
                }
            }
        }
        for (int i = 0; i < mr; i++) {
            int o = cOff + i * ldc;
            for (int j = 0; j < nr; j++) {
                // the sums themselves when overwriting (not 0 + sum, which turns -0 into +0)
                c[o + j] = overwrite ? s[i * nr + j] : c[o + j] + s[i * nr + j];
            }
        }
    }
}
