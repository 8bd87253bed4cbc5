package org.rcnn4j.proposals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Selective search (Uijlings et al., IJCV 2013): hierarchical grouping of a graph-based over-segmentation, run
 * for several strategies (colour spaces, k, similarity combinations); the strategies' regions are ranked
 * together and their bounding boxes, duplicates removed, are the object proposals.
 *
 * <p>Ranking ({@link Ranking#PAPER}, as in the paper): within one hierarchy the region created last (the whole
 * image) has position 1, the one before it 2, and so on down to the initial regions; each region's score is its
 * position times a number drawn uniformly from (0, 1] by a generator seeded from the seed and the strategy's
 * index. {@link Ranking#DEPTH} uses the region's depth in the merge tree instead (initial regions 1), which puts
 * small regions first, as OpenCV does. Boxes are ordered by increasing score, each box once (at its best score).
 * {@link Ranking#DIVERSE}, the default, then moves each box whose IoU with a better-ranked kept box is above
 * {@link #DEMOTE_IOU} behind all the kept ones ({@link NearDuplicates}): the same boxes, with fewer repeats at
 * the top. Strategies run in parallel on the common pool; the result does not depend on the number of threads.
 */
public final class SelectiveSearch {
    public static final double SIGMA = 0.8;
    public static final long DEFAULT_SEED = 0x5e1ec7L;
    /**
     * {@link Ranking#DIVERSE}'s threshold: the IoU above which a box counts as a near-duplicate of a better-ranked
     * one. Chosen as the value that maximised mean recall (IoU 0.5 and 0.7, top 100 to 2000, fast and quality
     * modes) on tuning scenes that the benchmark does not use (benchmarks/selective_search_tune.py).
     */
    public static final double DEMOTE_IOU = 0.65;

    private SelectiveSearch() {
    }

    public enum Mode {
        /** The paper's "fast": HSV and Lab, k = 50 and 100, similarities C+T+S+F and T+S+F (8 strategies). */
        FAST,
        /**
         * The paper's "quality": HSV, Lab, rgI, H and I, k = 50, 100, 150 and 300, similarities C+T+S+F, T+S+F,
         * F and S (80 strategies).
         */
        QUALITY,
        /** One strategy (HSV, k = 100, C+T+S+F), as the paper's "single" setting. */
        SINGLE;

        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode: expected fast, quality or single, got '" + s + "'");
            }
        }
    }

    /** How the boxes are ordered (see the class comment). */
    public enum Ranking {
        /** PAPER's order with near-duplicates of better-ranked boxes moved behind the rest (the default). */
        DIVERSE,
        /** A region's position from the top of its hierarchy times a seeded random number, as in the paper. */
        PAPER,
        /** A region's depth in the merge tree times a seeded random number, as OpenCV. */
        DEPTH;

        public static Ranking parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ranking: expected diverse, paper or depth, got '" + s + "'");
            }
        }
    }

    public static List<Strategy> strategies(Mode mode) {
        List<ColorSpace> spaces;
        double[] ks;
        List<String> sims;
        switch (mode) {
            case FAST -> {
                spaces = List.of(ColorSpace.HSV, ColorSpace.LAB);
                ks = new double[] {50, 100};
                sims = List.of("CTSF", "TSF");
            }
            case QUALITY -> {
                spaces = List.of(ColorSpace.HSV, ColorSpace.LAB, ColorSpace.RGI, ColorSpace.H, ColorSpace.I);
                ks = new double[] {50, 100, 150, 300};
                sims = List.of("CTSF", "TSF", "F", "S");
            }
            case SINGLE -> {
                spaces = List.of(ColorSpace.HSV);
                ks = new double[] {100};
                sims = List.of("CTSF");
            }
            default -> throw new AssertionError(mode);
        }
        List<Strategy> out = new ArrayList<>();
        for (ColorSpace cs : spaces) {
            for (double k : ks) {
                for (String s : sims) {
                    out.add(new Strategy(cs, k, Similarity.parse(s)));
                }
            }
        }
        return out;
    }

    /** Proposals for the mode's strategies with the default seed. */
    public static int[][] propose(RgbImage image, Mode mode) {
        return propose(image, strategies(mode), DEFAULT_SEED);
    }

    /** The ranked, distinct boxes {x1, y1, x2, y2} (x2, y2 exclusive) of every strategy's hierarchy. */
    public static int[][] propose(RgbImage image, List<Strategy> strategies, long seed) {
        return propose(image, strategies, seed, Ranking.DIVERSE);
    }

    public static int[][] propose(RgbImage image, List<Strategy> strategies, long seed, Ranking ranking) {
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies: expected at least one");
        }
        if (image.width() > 0xffff || image.height() > 0xffff) {
            throw new IllegalArgumentException("image: sides up to 65535 pixels, got " + image.width() + "x"
                    + image.height());
        }
        int w = image.width();
        int h = image.height();
        List<ColorSpace> spaces = strategies.stream().map(Strategy::colorSpace).distinct().toList();
        Map<ColorSpace, float[][]> planes = spaces.parallelStream()
                .collect(Collectors.toConcurrentMap(Function.identity(), cs -> cs.convert(image)));
        Map<ColorSpace, PixelFeatures> features = spaces.parallelStream().collect(Collectors.toConcurrentMap(
                Function.identity(), cs -> PixelFeatures.of(planes.get(cs), w, h)));
        Map<ColorSpace, GraphSegmentation.Graph> graphs = spaces.parallelStream().collect(Collectors.toConcurrentMap(
                Function.identity(), cs -> GraphSegmentation.graph(scaled(planes.get(cs)), w, h, SIGMA)));
        List<SegKey> segKeys = strategies.stream().map(s -> new SegKey(s.colorSpace(), s.k())).distinct().toList();
        Map<SegKey, Segmentation> segs = segKeys.parallelStream().collect(Collectors.toConcurrentMap(
                Function.identity(), key -> GraphSegmentation.segment(graphs.get(key.cs), key.k,
                        (int) Math.round(key.k))));
        List<HierarchicalGrouping.Hierarchy> hierarchies = strategies.parallelStream()
                .map(s -> HierarchicalGrouping.group(segs.get(new SegKey(s.colorSpace(), s.k())),
                        features.get(s.colorSpace()), s.similarities()))
                .toList();
        return rank(hierarchies, seed, ranking);
    }

    private record SegKey(ColorSpace cs, double k) {
    }

    private static float[][] scaled(float[][] p) {
        float[][] out = new float[p.length][];
        for (int c = 0; c < p.length; c++) {
            out[c] = new float[p[c].length];
            for (int i = 0; i < p[c].length; i++) {
                out[c][i] = p[c][i] * 255f;
            }
        }
        return out;
    }

    /**
     * Scores every region (position from the top of its hierarchy, or depth, times a seeded draw), keeps each box
     * once and, for {@link Ranking#DIVERSE}, demotes near-duplicates.
     */
    static int[][] rank(List<HierarchicalGrouping.Hierarchy> hierarchies, long seed, Ranking ranking) {
        int total = 0;
        for (HierarchicalGrouping.Hierarchy hh : hierarchies) {
            total += hh.regions();
        }
        double[] score = new double[total];
        long[] packed = new long[total];
        int m = 0;
        for (int s = 0; s < hierarchies.size(); s++) {
            int[] b = hierarchies.get(s).boxes();
            int[] depth = hierarchies.get(s).depths();
            int n = b.length / 4;
            Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + s);
            for (int i = 0; i < n; i++) {
                double u = 1.0 - rnd.nextDouble(); // (0, 1]
                score[m] = (ranking == Ranking.DEPTH ? depth[i] : n - i) * u;
                packed[m] = pack(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]);
                m++;
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        // ties broken by strategy and creation order (the index), so the result is fully determined
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(score[a], score[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        Set<Long> seen = new HashSet<>(total * 2);
        List<int[]> out = new ArrayList<>();
        for (int i : order) {
            if (seen.add(packed[i])) {
                long p = packed[i];
                out.add(new int[] {(int) (p >>> 48), (int) (p >>> 32) & 0xffff, (int) (p >>> 16) & 0xffff,
                        (int) p & 0xffff});
            }
        }
        int[][] distinct = out.toArray(new int[0][]);
        return ranking == Ranking.DIVERSE ? NearDuplicates.demote(distinct, DEMOTE_IOU) : distinct;
    }

    private static long pack(int x1, int y1, int x2, int y2) {
        return ((long) x1 << 48) | ((long) y1 << 32) | ((long) x2 << 16) | y2;
    }
}
