package org.rcnn4j.coco;

import java.util.Arrays;
import java.util.List;

/**
 * pycocotools' maskApi: polygon rasterization, union of masks, and IoU between masks or [x, y, w, h] boxes with
 * its crowd semantics (for a crowd ground truth the union is the detection's own area).
 */
public final class MaskApi {
    private MaskApi() {
    }

    /**
     * pycocotools' rleFrPoly: the polygon (x0, y0, x1, y1, ...) is scaled by 5, traced densely along its edges,
     * and a pixel is inside where the traced boundary crosses its column between pixel centres.
     */
    public static Rle fromPolygon(double[] xy, int h, int w) {
        int k = xy.length / 2;
        final double scale = 5;
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (scale * xy[2 * j] + .5);
            y[j] = (int) (scale * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // the points where the boundary crosses a pixel column, downsampled back to pixel coordinates
        int total = m;
        long[] a = new long[total + 1];
        int n = 0;
        for (int j = 1; j < total; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / scale - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = Math.min(v[j], v[j - 1]);
            yd = (yd + .5) / scale - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > h) {
                yd = h;
            }
            yd = Math.ceil(yd);
            a[n++] = (long) ((int) xd * h + (int) yd);
        }
        a[n++] = (long) h * w;
        Arrays.sort(a, 0, n);
        long p = 0;
        for (int j = 0; j < n; j++) {
            long t = a[j];
            a[j] -= p;
            p = t;
        }
        int[] b = new int[n];
        int bm = 0;
        int j = 0;
        b[bm++] = (int) a[j++];
        while (j < n) {
            if (a[j] > 0) {
                b[bm++] = (int) a[j++];
            } else { // a zero-length run: the next run continues the previous one
                j++;
                if (j < n) {
                    b[bm - 1] += (int) a[j++];
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(b, bm));
    }

    /** pycocotools' rleFrBbox: the box [x, y, w, h] rasterized as the polygon of its corners. */
    public static Rle fromBbox(double[] bb, int h, int w) {
        double xs = bb[0];
        double xe = xs + bb[2];
        double ys = bb[1];
        double ye = ys + bb[3];
        return fromPolygon(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, h, w);
    }

    /** pycocotools' rleMerge (union when intersect is false); masks of different sizes give an empty 0x0 mask. */
    public static Rle merge(List<Rle> rles, boolean intersect) {
        if (rles.isEmpty()) {
            return new Rle(0, 0, new int[0]);
        }
        Rle first = rles.get(0);
        int h = first.height();
        int w = first.width();
        if (rles.size() == 1) {
            return first;
        }
        int[] cnts = first.counts();
        int m = cnts.length;
        cnts = Arrays.copyOf(cnts, Math.max(m, h * w + 1));
        for (int i = 1; i < rles.size(); i++) {
            Rle bRle = rles.get(i);
            if (bRle.height() != h || bRle.width() != w) {
                return new Rle(0, 0, new int[0]);
            }
            int[] aCnts = Arrays.copyOf(cnts, m);
            int am = m;
            long ca = aCnts[0];
            long cb = bRle.count(0);
            boolean v = false;
            boolean va = false;
            boolean vb = false;
            m = 0;
            int a = 1;
            int b = 1;
            long cc = 0;
            long ct = 1;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && a < am) {
                    ca = aCnts[a++];
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && b < bRle.runs()) {
                    cb = bRle.count(b++);
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) {
                    cnts[m++] = (int) cc;
                    cc = 0;
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(cnts, m));
    }

    /**
     * pycocotools' bbIou: IoU of every detection box with every ground-truth box ([x, y, w, h]); for a crowd
     * ground truth the union is the detection's area. Result [detection][groundTruth].
     */
    public static double[][] boxIou(double[][] dt, double[][] gt, boolean[] iscrowd) {
        double[][] o = new double[dt.length][gt.length];
        for (int g = 0; g < gt.length; g++) {
            double[] gb = gt[g];
            double ga = gb[2] * gb[3];
            boolean crowd = iscrowd != null && iscrowd[g];
            for (int d = 0; d < dt.length; d++) {
                double[] db = dt[d];
                double da = db[2] * db[3];
                double iw = Math.min(db[2] + db[0], gb[2] + gb[0]) - Math.max(db[0], gb[0]);
                if (iw <= 0) {
                    continue;
                }
                double ih = Math.min(db[3] + db[1], gb[3] + gb[1]) - Math.max(db[1], gb[1]);
                if (ih <= 0) {
                    continue;
                }
                double i = iw * ih;
                double u = crowd ? da : da + ga - i;
                o[d][g] = i / u;
            }
        }
        return o;
    }

    /**
     * pycocotools' rleIou: mask IoU [detection][groundTruth], crowd semantics as {@link #boxIou}; pairs whose
     * masks differ in size get -1 (after pycocotools' bounding-box pre-check, which leaves disjoint pairs 0).
     */
    public static double[][] maskIou(Rle[] dt, Rle[] gt, boolean[] iscrowd) {
        double[][] db = new double[dt.length][];
        double[][] gb = new double[gt.length][];
        for (int d = 0; d < dt.length; d++) {
            db[d] = dt[d].toBbox();
        }
        for (int g = 0; g < gt.length; g++) {
            gb[g] = gt[g].toBbox();
        }
        double[][] o = boxIou(db, gb, iscrowd);
        for (int g = 0; g < gt.length; g++) {
            boolean crowd = iscrowd != null && iscrowd[g];
            for (int d = 0; d < dt.length; d++) {
                if (o[d][g] > 0) {
                    o[d][g] = maskIou(dt[d], gt[g], crowd);
                }
            }
        }
        return o;
    }

    private static double maskIou(Rle dt, Rle gt, boolean crowd) {
        if (dt.height() != gt.height() || dt.width() != gt.width()) {
            return -1;
        }
        long ca = dt.count(0);
        long cb = gt.count(0);
        int ka = dt.runs();
        int kb = gt.runs();
        boolean va = false;
        boolean vb = false;
        int a = 1;
        int b = 1;
        long i = 0;
        long u = 0;
        long ct = 1;
        while (ct > 0) {
            long c = Math.min(ca, cb);
            if (va || vb) {
                u += c;
                if (va && vb) {
                    i += c;
                }
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && a < ka) {
                ca = dt.count(a++);
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && b < kb) {
                cb = gt.count(b++);
                vb = !vb;
            }
            ct += cb;
        }
        if (i == 0) {
            u = 1;
        } else if (crowd) {
            u = dt.area();
        }
        return (double) i / (double) u;
    }
}
