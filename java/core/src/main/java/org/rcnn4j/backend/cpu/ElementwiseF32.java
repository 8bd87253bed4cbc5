package org.rcnn4j.backend.cpu;

/** Float twins of {@link ElementwiseCpu}'s double kernels for host F32 tensors, computed in float as the CUDA kernels do. */
final class ElementwiseF32 {
    private ElementwiseF32() {
    }

    static float[] axpby(float[] x, float[] y, float alpha, float beta) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = alpha * x[i] + beta * y[i];
            }
        });
        return out;
    }

    static float[] scale(float[] x, float s) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = s * x[i];
            }
        });
        return out;
    }

    static float[] mul(float[] x, float[] y) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = x[i] * y[i];
            }
        });
        return out;
    }

    static float[] relu(float[] x) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                float v = x[i];
                out[i] = Math.max(v, 0f); // NaN stays NaN, -0 becomes 0: as v > 0 || v != v ? v : 0
            }
        });
        return out;
    }

    /**
     * g where y > 0, else 0 (threshold_backward: a NaN y gives 0, a NaN g where y > 0 stays NaN), without a branch:
     * about half of a ReLU's outputs are 0, often in no pattern a branch predictor can follow, and the branch form
     * took up to 8 times as long (the CPU backend's slowest elementwise op in a training step). y > 0
     * exactly when its bits b, read as an int, satisfy 0 < b <= 0x7F800000 (+inf): -b and b - 0x7F800001 are then
     * both negative, so their AND's sign, spread over the word, is the mask that keeps g's bits.
     */
    static float[] reluBackward(float[] g, float[] y) {
        float[] out = new float[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                int b = Float.floatToRawIntBits(y[i]);
                int keep = (-b & (b - 0x7F800001)) >> 31;
                out[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & keep);
            }
        });
        return out;
    }

    static float[] sigmoid(float[] x) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                float v = x[i];
                if (v >= 0f) {
                    out[i] = 1f / (1f + (float) Math.exp(-v));
                } else {
                    float z = (float) Math.exp(v);
                    out[i] = z / (1f + z);
                }
            }
        });
        return out;
    }

    static float[] sigmoidBackward(float[] g, float[] y) {
        float[] out = new float[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = g[i] * y[i] * (1f - y[i]);
            }
        });
        return out;
    }
}
