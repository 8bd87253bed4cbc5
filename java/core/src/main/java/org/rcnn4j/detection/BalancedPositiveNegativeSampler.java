package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's BalancedPositiveNegativeSampler: per image at most int(batchSizePerImage * positiveFraction)
 * positives (label &ge; 1) and batchSizePerImage minus the positives taken of negatives (label == 0), each chosen
 * uniformly without replacement. torch's randperm cannot be reproduced, so the draws come from a seeded
 * {@link SplittableRandom}: the same seed and the same calls give the same samples.
 */
public final class BalancedPositiveNegativeSampler {
    private final int batchSizePerImage;
    private final double positiveFraction;
    private final SplittableRandom random;

    public BalancedPositiveNegativeSampler(int batchSizePerImage, double positiveFraction, long seed) {
        if (batchSizePerImage < 0 || !(positiveFraction >= 0 && positiveFraction <= 1)) {
            throw new IllegalArgumentException("batch_size_per_image must be >= 0 and positive_fraction in [0,1], "
                    + "got " + batchSizePerImage + " and " + positiveFraction);
        }
        this.batchSizePerImage = batchSizePerImage;
        this.positiveFraction = positiveFraction;
        this.random = new SplittableRandom(seed);
    }

    /** One image's labels (any dtype: RPN's float 1/0/-1 or RoIHeads' class indices with -1 ignored). */
    public SampledIndices sample(Backend backend, Tensor matchedLabels) {
        return sample(Host.doubles(backend, matchedLabels));
    }

    public List<SampledIndices> sample(Backend backend, List<Tensor> matchedLabels) {
        List<SampledIndices> out = new ArrayList<>(matchedLabels.size());
        for (Tensor t : Host.hostAll(backend, matchedLabels)) { // one read for all images
            out.add(sample(backend, t));
        }
        return out;
    }

    public SampledIndices sample(double[] labels) {
        int nPos = 0;
        int nNeg = 0;
        for (double l : labels) {
            if (l >= 1) {
                nPos++;
            } else if (l == 0) {
                nNeg++;
            }
        }
        long[] pos = new long[nPos];
        long[] neg = new long[nNeg];
        int p = 0;
        int q = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 1) {
                pos[p++] = i;
            } else if (labels[i] == 0) {
                neg[q++] = i;
            }
        }
        int numPos = Math.min(nPos, (int) (batchSizePerImage * positiveFraction));
        int numNeg = Math.min(nNeg, batchSizePerImage - numPos);
        return new SampledIndices(choose(pos, numPos), choose(neg, numNeg));
    }

    /** k of the candidates, uniformly without replacement (partial Fisher-Yates), ascending. */
    private long[] choose(long[] candidates, int k) {
        long[] c = candidates.clone();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(c.length - i);
            long t = c[i];
            c[i] = c[j];
            c[j] = t;
        }
        long[] out = Arrays.copyOf(c, k);
        Arrays.sort(out);
        return out;
    }
}
