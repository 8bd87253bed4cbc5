package org.rcnn4j.proposals;

import java.util.Set;

/** One diversification strategy: a colour space, Felzenszwalb's k (min_size = k, sigma 0.8), a similarity sum. */
public record Strategy(ColorSpace colorSpace, double k, Set<Similarity> similarities) {
    public Strategy {
        if (!(k > 0)) {
            throw new IllegalArgumentException("k: expected a positive value, got " + k);
        }
        similarities = Set.copyOf(similarities);
        if (similarities.isEmpty()) {
            throw new IllegalArgumentException("similarities: expected at least one");
        }
    }

    @Override
    public String toString() {
        return colorSpace + "/k=" + (int) k + "/" + Similarity.letters(java.util.EnumSet.copyOf(similarities));
    }
}
