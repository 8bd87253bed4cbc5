package org.rcnn4j.autograd.cpu;

/** Row gather (index_select along dim 0) and its adjoint, scatter-add of rows. */
public final class Gather {
    private Gather() {
    }

    public static double[] rows(double[] x, int row, long[] index) {
        double[] out = new double[index.length * row];
        Par.outer(index.length, row, k -> System.arraycopy(x, (int) index[k] * row, out, k * row, row));
        return out;
    }

    /** out[index[k]] += g[k] for each row k; sequential over k so repeated indices add deterministically. */
    public static double[] scatterAddRows(double[] g, int row, long[] index, int rows) {
        double[] out = new double[rows * row];
        for (int k = 0; k < index.length; k++) {
            int dst = (int) index[k] * row;
            int src = k * row;
            for (int j = 0; j < row; j++) {
                out[dst + j] += g[src + j];
            }
        }
        return out;
    }

    public static float[] rows(float[] x, int row, long[] index) {
        float[] out = new float[index.length * row];
        Par.outer(index.length, row, k -> System.arraycopy(x, (int) index[k] * row, out, k * row, row));
        return out;
    }

    /** The float twin of {@link #scatterAddRows(double[], int, long[], int)}. */
    public static float[] scatterAddRows(float[] g, int row, long[] index, int rows) {
        float[] out = new float[rows * row];
        for (int k = 0; k < index.length; k++) {
            int dst = (int) index[k] * row;
            int src = k * row;
            for (int j = 0; j < row; j++) {
                out[dst + j] += g[src + j];
            }
        }
        return out;
    }
}
