package org.rcnn4j.detection;

/**
 * One image's sampled predictions: ascending indices of the positives and of the negatives (torchvision's
 * sampler returns masks; these are their nonzero positions).
 */
public record SampledIndices(long[] positive, long[] negative) {

    /** Positives and negatives merged in ascending order (torch.where(pos | neg)). */
    public long[] all() {
        long[] out = new long[positive.length + negative.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < positive.length || j < negative.length) {
            if (j >= negative.length || (i < positive.length && positive[i] < negative[j])) {
                out[k++] = positive[i++];
            } else {
                out[k++] = negative[j++];
            }
        }
        return out;
    }

    public int size() {
        return positive.length + negative.length;
    }
}
