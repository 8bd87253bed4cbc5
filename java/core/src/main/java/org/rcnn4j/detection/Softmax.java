package org.rcnn4j.detection;

/** Row softmax of a host [n,c] float array, computed in double and rounded once to float32. */
final class Softmax {
    private Softmax() {
    }

    static float[] rows(float[] x, int n, int c) {
        float[] out = new float[n * c];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, x[i * c + j]);
            }
            double sum = 0;
            double[] e = new double[c];
            for (int j = 0; j < c; j++) {
                e[j] = Math.exp(x[i * c + j] - max);
                sum += e[j];
            }
            for (int j = 0; j < c; j++) {
                out[i * c + j] = (float) (e[j] / sum);
            }
        }
        return out;
    }
}
