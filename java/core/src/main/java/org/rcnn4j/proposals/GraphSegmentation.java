package org.rcnn4j.proposals;

import java.util.Arrays;

/**
 * Felzenszwalb and Huttenlocher's graph-based segmentation (IJCV 2004): Gaussian smoothing, an 8-connected grid
 * graph weighted by the Euclidean distance between pixel colours, edges taken by increasing weight, and two
 * components merged when the edge is no heavier than either one's internal difference plus k/|C|; finally
 * components smaller than minSize are merged along the lightest edges.
 */
public final class GraphSegmentation {
    private GraphSegmentation() {
    }

    /**
     * @param planes one or more planes, values on the 0..255 scale (k is relative to it)
     * @param sigma  Gaussian smoothing before building the graph (0: none)
     * @param k      the scale parameter: larger k, larger components
     */
    public static Segmentation segment(float[][] planes, int width, int height, double sigma, double k, int minSize) {
        return segment(graph(planes, width, height, sigma), k, minSize);
    }

    /**
     * The smoothed image's grid graph with its edges sorted by weight. It does not depend on k, so one graph
     * serves every k of a colour space.
     */
    public record Graph(int width, int height, long[] sortedEdges) {
    }

    /** Builds and sorts the graph (see {@link #segment(float[][], int, int, double, double, int)}). */
    public static Graph graph(float[][] planes, int width, int height, double sigma) {
        if (planes.length == 0) {
            throw new IllegalArgumentException("planes: expected at least one plane");
        }
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("sigma: expected a non-negative value, got " + sigma);
        }
        int n = width * height;
        float[][] sm = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            if (planes[c].length != n) {
                throw new IllegalArgumentException("planes[" + c + "]: expected " + n + " values");
            }
            sm[c] = sigma > 0 ? Gaussian.smooth(planes[c], width, height, sigma) : planes[c];
        }
        long[] edges = edges(sm, width, height);
        RadixSort.sortByHighWord(edges);
        return new Graph(width, height, edges);
    }

    /** Segments a graph from {@link #graph}: k the scale (larger k, larger components), then min_size merging. */
    public static Segmentation segment(Graph g, double k, int minSize) {
        if (!(k >= 0) || minSize < 0) {
            throw new IllegalArgumentException("k and min_size must be non-negative, got k=" + k + " min_size="
                    + minSize);
        }
        int width = g.width();
        int height = g.height();
        int n = width * height;
        long[] edges = g.sortedEdges();
        int[] parent = new int[n];
        int[] size = new int[n];
        float[] thresh = new float[n];
        float init = (float) k;
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            size[i] = 1;
            thresh[i] = init;
        }
        for (long e : edges) {
            float w = Float.intBitsToFloat((int) (e >>> 32));
            int idx = (int) e;
            int a = find(parent, idx >>> 2);
            int b = find(parent, neighbour(idx, width));
            if (a != b && w <= thresh[a] && w <= thresh[b]) {
                int root = union(parent, size, a, b);
                thresh[root] = w + (float) (k / size[root]);
            }
        }
        if (minSize > 1) {
            for (long e : edges) {
                int idx = (int) e;
                int a = find(parent, idx >>> 2);
                int b = find(parent, neighbour(idx, width));
                if (a != b && (size[a] < minSize || size[b] < minSize)) {
                    union(parent, size, a, b);
                }
            }
        }
        int[] labels = new int[n];
        int[] id = new int[n];
        Arrays.fill(id, -1);
        int count = 0;
        for (int i = 0; i < n; i++) {
            int r = find(parent, i);
            if (id[r] < 0) {
                id[r] = count++;
            }
            labels[i] = id[r];
        }
        return new Segmentation(width, height, labels, count);
    }

    /** Edge id = pixel*4 + direction (0 right, 1 down, 2 down-right, 3 down-left). */
    private static int neighbour(int edgeId, int width) {
        int p = edgeId >>> 2;
        switch (edgeId & 3) {
            case 0:
                return p + 1;
            case 1:
                return p + width;
            case 2:
                return p + width + 1;
            default:
                return p + width - 1;
        }
    }

    /**
     * Edges packed as (float bits of the weight) << 32 | edge id: weights are non-negative, so their bit patterns
     * order like the values and one primitive sort orders the edges.
     */
    private static long[] edges(float[][] p, int w, int h) {
        long[] out = new long[4 * w * h];
        int m = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (x + 1 < w) {
                    out[m++] = pack(dist(p, i, i + 1), 4 * i);
                }
                if (y + 1 < h) {
                    out[m++] = pack(dist(p, i, i + w), 4 * i + 1);
                    if (x + 1 < w) {
                        out[m++] = pack(dist(p, i, i + w + 1), 4 * i + 2);
                    }
                    if (x > 0) {
                        out[m++] = pack(dist(p, i, i + w - 1), 4 * i + 3);
                    }
                }
            }
        }
        return Arrays.copyOf(out, m);
    }

    private static long pack(float w, int id) {
        return ((long) Float.floatToIntBits(w) << 32) | (id & 0xffffffffL);
    }

    private static float dist(float[][] p, int i, int j) {
        float s = 0f;
        for (float[] c : p) {
            float d = c[i] - c[j];
            s += d * d;
        }
        return (float) Math.sqrt(s);
    }

    static int find(int[] parent, int x) {
        int r = x;
        while (parent[r] != r) {
            r = parent[r];
        }
        while (parent[x] != r) {
            int next = parent[x];
            parent[x] = r;
            x = next;
        }
        return r;
    }

    private static int union(int[] parent, int[] size, int a, int b) {
        if (size[a] < size[b]) {
            int t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        size[a] += size[b];
        return a;
    }
}
