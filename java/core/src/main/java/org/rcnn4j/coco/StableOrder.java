package org.rcnn4j.coco;

/** np.argsort(-scores, kind='mergesort'): indices by decreasing score, ties in index order, without boxing. */
final class StableOrder {
    private StableOrder() {
    }

    static int[] byDecreasingScore(double[] scores) {
        int n = scores.length;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] tmp = new int[n];
        // bottom-up merge sort: runs of width w merged pairwise; a right element moves first only when strictly
        // greater (-score strictly smaller), which keeps equal scores in index order
        for (int w = 1; w < n; w *= 2) {
            for (int lo = 0; lo < n; lo += 2 * w) {
                int mid = Math.min(lo + w, n);
                int hi = Math.min(lo + 2 * w, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = -scores[idx[j]] < -scores[idx[i]] ? idx[j++] : idx[i++];
                }
                while (i < mid) {
                    tmp[k++] = idx[i++];
                }
                while (j < hi) {
                    tmp[k++] = idx[j++];
                }
            }
            int[] t = idx;
            idx = tmp;
            tmp = t;
        }
        return idx;
    }
}
