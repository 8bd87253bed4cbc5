package org.rcnn4j.coco;

/**
 * numpy's pairwise summation of float64 (np.add.reduce, hence np.mean): below 8 values a plain loop, up to 128
 * eight interleaved partial sums, above that the two halves (split at a multiple of 8) summed recursively.
 * The reduction runs over numpy's 8192-element buffers one after another, each summed pairwise. Summing in the
 * same order gives the same last bit, so printed values round the same way as pycocotools'.
 */
final class PairwiseSum {
    private static final int BLOCK = 128;
    private static final int BUFFER = 8192;

    private PairwiseSum() {
    }

    /** np.add.reduce over a[0..n). */
    static double numpySum(double[] a, int n) {
        double acc = 0.;
        for (int s = 0; s < n; s += BUFFER) {
            acc += sum(a, s, Math.min(BUFFER, n - s));
        }
        return acc;
    }

    static double sum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return sum(a, from, n2) + sum(a, from + n2, n - n2);
    }
}
