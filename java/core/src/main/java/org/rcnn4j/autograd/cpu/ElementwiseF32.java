package org.rcnn4j.autograd.cpu;

/** Float twins of {@link Elementwise} for host F32 tensors, computed in float as the CUDA kernels do. */
public final class ElementwiseF32 {
    private ElementwiseF32() {
    }

    public static float[] axpby(float[] x, float[] y, float alpha, float beta) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = alpha * x[i] + beta * y[i];
            }
        });
        return out;
    }

    public static float[] scale(float[] x, float s) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = s * x[i];
            }
        });
        return out;
    }

    public static float[] mul(float[] x, float[] y) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = x[i] * y[i];
            }
        });
        return out;
    }

    public static float[] relu(float[] x) {
        float[] out = new float[x.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                float v = x[i];
                out[i] = Math.max(v, 0f); // NaN stays NaN, -0 becomes 0: as v > 0 || v != v ? v : 0
            }
        });
        return out;
    }

    public static float[] reluBackward(float[] g, float[] y) {
        float[] out = new float[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = y[i] > 0f ? g[i] : 0f;
            }
        });
        return out;
    }

    public static float[] sigmoid(float[] x) {
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

    public static float[] sigmoidBackward(float[] g, float[] y) {
        float[] out = new float[g.length];
        Par.chunks(out.length, c -> {
            for (int i = Par.lo(c), e = Par.hi(c, out.length); i < e; i++) {
                out[i] = g[i] * y[i] * (1f - y[i]);
            }
        });
        return out;
    }
}
