package org.rcnn4j.proposals;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Selective search's hierarchical grouping: starting from a segmentation, repeatedly merge the most similar pair
 * of adjacent regions until one region is left. The result holds every region (initial ones first, then each
 * merge in order) with its bounding box; the last one covers the whole image.
 */
public final class HierarchicalGrouping {
    private HierarchicalGrouping() {
    }

    /**
     * Every region's box, in creation order, as x1, y1, x2, y2 per region (x2, y2 exclusive: a region covering
     * columns 0..w-1 spans x1 = 0 to x2 = w), and its depth in the merge tree (initial regions 1, a merged region
     * one more than the deeper of its two parts).
     */
    public record Hierarchy(int[] boxes, int[] depths, int initialRegions) {
        public int regions() {
            return boxes.length / 4;
        }
    }

    public static Hierarchy group(Segmentation seg, PixelFeatures f, Set<Similarity> sims) {
        return new State(seg, f, sims).run();
    }

    private static final class Pair implements Comparable<Pair> {
        final double sim;
        final int a;
        final int b;

        Pair(double sim, int a, int b) {
            this.sim = sim;
            this.a = a;
            this.b = b;
        }

        @Override
        public int compareTo(Pair o) {
            int c = Double.compare(o.sim, sim); // most similar first
            if (c != 0) {
                return c;
            }
            // ties: the oldest pair first, so the order never depends on the heap's layout
            c = Integer.compare(a, o.a);
            return c != 0 ? c : Integer.compare(b, o.b);
        }
    }

    private static final class State {
        final int n0;
        final int max;
        final long imageSize;
        final int cd;
        final int td;
        final boolean colour;
        final boolean texture;
        final boolean size;
        final boolean fill;
        final long[] sizes;
        final int[] depth;
        final int[] box;
        final float[] ch;
        final float[] th;
        final int[][] nb;
        final int[] nbLen;
        final boolean[] alive;
        final int[] stamp;
        int next;

        State(Segmentation seg, PixelFeatures f, Set<Similarity> sims) {
            if (seg.width() != f.width || seg.height() != f.height) {
                throw new IllegalArgumentException("segmentation and features differ in size");
            }
            n0 = seg.count();
            max = 2 * n0 - 1;
            imageSize = (long) seg.width() * seg.height();
            colour = sims.contains(Similarity.COLOUR);
            texture = sims.contains(Similarity.TEXTURE);
            size = sims.contains(Similarity.SIZE);
            fill = sims.contains(Similarity.FILL);
            cd = colour ? f.colourDims() : 0;
            td = texture ? f.textureDims() : 0;
            sizes = new long[max];
            depth = new int[max];
            box = new int[4 * max];
            ch = new float[max * cd];
            th = new float[max * td];
            nb = new int[max][];
            nbLen = new int[max];
            alive = new boolean[max];
            stamp = new int[max];
            init(seg, f);
        }

        private void init(Segmentation seg, PixelFeatures f) {
            int w = seg.width();
            int h = seg.height();
            int[] lab = seg.labels();
            for (int r = 0; r < n0; r++) {
                box[4 * r] = Integer.MAX_VALUE;
                box[4 * r + 1] = Integer.MAX_VALUE;
                box[4 * r + 2] = Integer.MIN_VALUE;
                box[4 * r + 3] = Integer.MIN_VALUE;
                alive[r] = true;
                depth[r] = 1;
                nb[r] = new int[4];
            }
            int cBins = PixelFeatures.COLOUR_BINS;
            int tBins = PixelFeatures.TEXTURE_BINS;
            for (int y = 0, i = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i++) {
                    int r = lab[i];
                    sizes[r]++;
                    int o = 4 * r;
                    box[o] = Math.min(box[o], x);
                    box[o + 1] = Math.min(box[o + 1], y);
                    box[o + 2] = Math.max(box[o + 2], x + 1);
                    box[o + 3] = Math.max(box[o + 3], y + 1);
                    if (colour) {
                        for (int c = 0; c < f.channels; c++) {
                            ch[r * cd + c * cBins + f.colour[c][i]] += 1f;
                        }
                    }
                    if (texture) {
                        for (int t = 0; t < f.texture.length; t++) {
                            th[r * td + t * tBins + f.texture[t][i]] += 1f;
                        }
                    }
                    if (x + 1 < w && lab[i + 1] != r) {
                        link(r, lab[i + 1]);
                    }
                    if (y + 1 < h && lab[i + w] != r) {
                        link(r, lab[i + w]);
                    }
                }
            }
            for (int r = 0; r < n0; r++) {
                normalise(ch, r * cd, cd);
                normalise(th, r * td, td);
            }
            next = n0;
        }

        private static void normalise(float[] h, int off, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += h[off + i];
            }
            if (s > 0) {
                float inv = (float) (1.0 / s);
                for (int i = 0; i < n; i++) {
                    h[off + i] *= inv;
                }
            }
        }

        /** Adds b to a's and a to b's neighbours unless the last one added is already it (pixel runs repeat). */
        private void link(int a, int b) {
            if (!contains(a, b)) {
                add(a, b);
                add(b, a);
            }
        }

        private boolean contains(int a, int b) {
            int[] l = nb[a];
            for (int i = 0, n = nbLen[a]; i < n; i++) {
                if (l[i] == b) {
                    return true;
                }
            }
            return false;
        }

        private void add(int a, int b) {
            if (nbLen[a] == nb[a].length) {
                nb[a] = Arrays.copyOf(nb[a], Math.max(4, 2 * nb[a].length));
            }
            nb[a][nbLen[a]++] = b;
        }

        double similarity(int a, int b) {
            double s = 0;
            if (colour) {
                s += Similarity.intersection(ch, a * cd, ch, b * cd, cd);
            }
            if (texture) {
                s += Similarity.intersection(th, a * td, th, b * td, td);
            }
            if (size) {
                s += Similarity.size(sizes[a], sizes[b], imageSize);
            }
            if (fill) {
                long bw = Math.max(box[4 * a + 2], box[4 * b + 2]) - Math.min(box[4 * a], box[4 * b]);
                long bh = Math.max(box[4 * a + 3], box[4 * b + 3]) - Math.min(box[4 * a + 1], box[4 * b + 1]);
                s += Similarity.fill(bw * bh, sizes[a], sizes[b], imageSize);
            }
            return s;
        }

        Hierarchy run() {
            PriorityQueue<Pair> heap = new PriorityQueue<>();
            for (int a = 0; a < n0; a++) {
                for (int i = 0; i < nbLen[a]; i++) {
                    int b = nb[a][i];
                    if (a < b) {
                        heap.add(new Pair(similarity(a, b), a, b));
                    }
                }
            }
            while (!heap.isEmpty()) {
                Pair p = heap.poll();
                if (!alive[p.a] || !alive[p.b]) {
                    continue;
                }
                int t = merge(p.a, p.b);
                for (int i = 0; i < nbLen[t]; i++) {
                    int c = nb[t][i];
                    heap.add(new Pair(similarity(c, t), c, t));
                }
            }
            return new Hierarchy(Arrays.copyOf(box, 4 * next), Arrays.copyOf(depth, next), n0);
        }

        private int merge(int a, int b) {
            int t = next++;
            alive[a] = false;
            alive[b] = false;
            alive[t] = true;
            long sa = sizes[a];
            long sb = sizes[b];
            sizes[t] = sa + sb;
            depth[t] = Math.max(depth[a], depth[b]) + 1;
            box[4 * t] = Math.min(box[4 * a], box[4 * b]);
            box[4 * t + 1] = Math.min(box[4 * a + 1], box[4 * b + 1]);
            box[4 * t + 2] = Math.max(box[4 * a + 2], box[4 * b + 2]);
            box[4 * t + 3] = Math.max(box[4 * a + 3], box[4 * b + 3]);
            float wa = (float) ((double) sa / (sa + sb));
            float wb = 1f - wa;
            for (int i = 0; i < cd; i++) {
                ch[t * cd + i] = wa * ch[a * cd + i] + wb * ch[b * cd + i];
            }
            for (int i = 0; i < td; i++) {
                th[t * td + i] = wa * th[a * td + i] + wb * th[b * td + i];
            }
            nb[t] = new int[Math.max(4, nbLen[a] + nbLen[b])];
            stamp[a] = t + 1;
            stamp[b] = t + 1;
            collect(a, t);
            collect(b, t);
            nb[a] = null;
            nb[b] = null;
            return t;
        }

        /** Moves a's living neighbours (once each) to t, and tells them about t. */
        private void collect(int a, int t) {
            for (int i = 0; i < nbLen[a]; i++) {
                int c = nb[a][i];
                if (alive[c] && stamp[c] != t + 1) {
                    stamp[c] = t + 1;
                    nb[t][nbLen[t]++] = c;
                    compact(c);
                    add(c, t);
                }
            }
        }

        /** Drops dead regions from c's neighbours so the lists stay short. */
        private void compact(int c) {
            int[] l = nb[c];
            int m = 0;
            for (int i = 0; i < nbLen[c]; i++) {
                if (alive[l[i]]) {
                    l[m++] = l[i];
                }
            }
            nbLen[c] = m;
        }
    }
}
