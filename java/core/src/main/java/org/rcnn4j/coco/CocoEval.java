package org.rcnn4j.coco;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * pycocotools' COCOeval for bbox and segm: evaluate (per image and category, greedy matching by score per IoU
 * threshold, crowd and out-of-range ground truth ignored), accumulate (precision envelope sampled at 101 recall
 * points) and summarize (the 12 standard numbers), reproducing its arithmetic and its quirks.
 */
public final class CocoEval {
    private final CocoDataset gt;
    private final List<CocoAnnotation> dt;
    private final CocoParams p;
    private final long[] imgIds;
    private final long[] catIds;
    /** Per evaluated category (catIds, or the single "all" when useCats is off) and image index. */
    private final List<List<CocoAnnotation>> gts = new ArrayList<>();
    private final List<List<CocoAnnotation>> dts = new ArrayList<>();
    /** Per (category, image): detections by decreasing score, at most the largest maxDets. */
    private final List<List<CocoAnnotation>> sortedDts = new ArrayList<>();
    /** Masks by annotation id, ground truth and detections apart (their ids may coincide). */
    private final Map<Long, Rle> gtMasks = new ConcurrentHashMap<>();
    private final Map<Long, Rle> dtMasks = new ConcurrentHashMap<>();
    private EvalImage[] evalImgs;
    private double[] precision;
    private double[] recall;
    private double[] stats;

    public CocoEval(CocoDataset gt, List<CocoAnnotation> dt, CocoParams params) {
        this.gt = gt;
        this.dt = dt;
        this.p = params;
        this.imgIds = gt.images().keySet().stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        this.catIds = gt.categories().keySet().stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    }

    public CocoParams params() {
        return p;
    }

    public long[] catIds() {
        return catIds.clone();
    }

    /** The ground truth's category with this id, or null. */
    public CocoCategory category(long id) {
        return gt.categories().get(id);
    }

    private int evalCats() {
        return p.useCats() ? catIds.length : 1;
    }

    /** Groups annotations by (category, image) and runs evaluateImg for every category, area range and image. */
    public CocoEval evaluate() {
        Map<Long, Integer> imgIndex = new HashMap<>();
        for (int i = 0; i < imgIds.length; i++) {
            imgIndex.put(imgIds[i], i);
        }
        Map<Long, Integer> catIndex = new HashMap<>();
        for (int k = 0; k < catIds.length; k++) {
            catIndex.put(catIds[k], k);
        }
        int kn = evalCats();
        int in = imgIds.length;
        gts.clear();
        dts.clear();
        for (int i = 0; i < kn * in; i++) {
            gts.add(new ArrayList<>());
            dts.add(new ArrayList<>());
        }
        // without categories pycocotools concatenates each image's lists category by category
        addGrouped(gt.annotations(), gts, imgIndex, catIndex, in);
        addGrouped(dt, dts, imgIndex, catIndex, in);
        if (p.iouType() == CocoParams.IouType.SEGM) {
            prepareMasks(gt.annotations(), gtMasks);
            prepareMasks(dt, dtMasks);
        }
        int an = p.areaRng().length;
        int maxDet = p.maxDets()[p.maxDets().length - 1];
        sortedDts.clear();
        for (List<CocoAnnotation> d : dts) {
            sortedDts.add(d.isEmpty() ? d : byScore(d, maxDet));
        }
        double[][][] ious = new double[kn * in][][];
        IntStream.range(0, kn * in).parallel().forEach(ki -> ious[ki] = computeIou(ki));
        evalImgs = new EvalImage[kn * an * in];
        IntStream.range(0, kn * an * in).parallel().forEach(idx -> {
            int k = idx / (an * in);
            int a = (idx / in) % an;
            int i = idx % in;
            evalImgs[idx] = evaluateImg(k * in + i, p.areaRng()[a], maxDet, ious[k * in + i]);
        });
        return this;
    }

    private void addGrouped(List<CocoAnnotation> anns, List<List<CocoAnnotation>> into, Map<Long, Integer> imgIndex,
            Map<Long, Integer> catIndex, int in) {
        List<CocoAnnotation> sorted = anns;
        if (!p.useCats()) {
            sorted = new ArrayList<>(anns);
            sorted.sort((x, y) -> Integer.compare(catIndex.get(x.categoryId()), catIndex.get(y.categoryId())));
        }
        for (CocoAnnotation a : sorted) {
            Integer i = imgIndex.get(a.imageId());
            Integer k = catIndex.get(a.categoryId());
            if (i == null || k == null) {
                continue;
            }
            into.get((p.useCats() ? k : 0) * in + i).add(a);
        }
    }

    private void prepareMasks(List<CocoAnnotation> anns, Map<Long, Rle> masks) {
        anns.parallelStream().forEach(a -> {
            CocoImage img = gt.images().get(a.imageId());
            if (img == null) {
                return;
            }
            Rle mask;
            if (a.segmentation() != null) {
                mask = a.segmentation().toRle(img.height(), img.width());
            } else if (!Double.isNaN(a.score())) { // pycocotools' loadRes: a box result's box as its polygon
                double[] b = a.bbox();
                mask = MaskApi.fromPolygon(new double[] {b[0], b[1], b[0], b[1] + b[3], b[0] + b[2], b[1] + b[3],
                    b[0] + b[2], b[1]}, img.height(), img.width());
            } else {
                throw new CocoFormatException("annotation " + a.id() + " has no segmentation (needed for segm)");
            }
            masks.put(a.id(), mask);
        });
    }

    /** Detections of one (category, image) by decreasing score, stable (np.argsort kind='mergesort'). */
    private static List<CocoAnnotation> byScore(List<CocoAnnotation> d, int limit) {
        List<CocoAnnotation> s = new ArrayList<>(d);
        s.sort((x, y) -> -x.score() < -y.score() ? -1 : (-x.score() > -y.score() ? 1 : 0));
        return s.size() > limit ? new ArrayList<>(s.subList(0, limit)) : s;
    }

    private double[][] computeIou(int ki) {
        List<CocoAnnotation> g = gts.get(ki);
        List<CocoAnnotation> d = dts.get(ki);
        if (g.isEmpty() && d.isEmpty()) {
            return new double[0][];
        }
        d = sortedDts.get(ki);
        boolean[] crowd = new boolean[g.size()];
        for (int j = 0; j < crowd.length; j++) {
            crowd[j] = g.get(j).iscrowd();
        }
        if (g.isEmpty() || d.isEmpty()) {
            return new double[0][];
        }
        if (p.iouType() == CocoParams.IouType.SEGM) {
            Rle[] dm = d.stream().map(a -> dtMasks.get(a.id())).toArray(Rle[]::new);
            Rle[] gm = g.stream().map(a -> gtMasks.get(a.id())).toArray(Rle[]::new);
            return MaskApi.maskIou(dm, gm, crowd);
        }
        double[][] db = d.stream().map(CocoAnnotation::bbox).toArray(double[][]::new);
        double[][] gb = g.stream().map(CocoAnnotation::bbox).toArray(double[][]::new);
        return MaskApi.boxIou(db, gb, crowd);
    }

    private EvalImage evaluateImg(int ki, double[] aRng, int maxDet, double[][] iousAll) {
        List<CocoAnnotation> g0 = gts.get(ki);
        List<CocoAnnotation> d0 = dts.get(ki);
        if (g0.isEmpty() && d0.isEmpty()) {
            return null;
        }
        int gn = g0.size();
        boolean[] ig0 = new boolean[gn];
        for (int j = 0; j < gn; j++) {
            CocoAnnotation g = g0.get(j);
            ig0[j] = g.iscrowd() || g.area() < aRng[0] || g.area() > aRng[1];
        }
        // ignored ground truth last, stable
        int[] gtind = new int[gn];
        int n = 0;
        for (int j = 0; j < gn; j++) {
            if (!ig0[j]) {
                gtind[n++] = j;
            }
        }
        for (int j = 0; j < gn; j++) {
            if (ig0[j]) {
                gtind[n++] = j;
            }
        }
        CocoAnnotation[] g = new CocoAnnotation[gn];
        boolean[] gtIg = new boolean[gn];
        for (int j = 0; j < gn; j++) {
            g[j] = g0.get(gtind[j]);
            gtIg[j] = ig0[gtind[j]];
        }
        List<CocoAnnotation> d = sortedDts.get(ki);
        int dn = Math.min(d.size(), maxDet);
        double[] thr = p.iouThrs();
        int tn = thr.length;
        long[] gtm = new long[gn];
        long[] dtm = new long[tn * dn];
        boolean[] dtIg = new boolean[tn * dn];
        if (iousAll.length > 0) {
            for (int t = 0; t < tn; t++) {
                Arrays.fill(gtm, 0);
                for (int di = 0; di < dn; di++) {
                    double iou = Math.min(thr[t], 1 - 1e-10);
                    int m = -1;
                    for (int gi = 0; gi < gn; gi++) {
                        // a matched ground truth is taken unless it is a crowd
                        if (gtm[gi] > 0 && !g[gi].iscrowd()) {
                            continue;
                        }
                        // matched a regular ground truth already: the ignored ones (sorted last) cannot win
                        if (m > -1 && !gtIg[m] && gtIg[gi]) {
                            break;
                        }
                        double v = iousAll[di][gtind[gi]];
                        if (v < iou) {
                            continue;
                        }
                        iou = v;
                        m = gi;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t * dn + di] = gtIg[m];
                    dtm[t * dn + di] = g[m].id();
                    gtm[m] = d.get(di).id();
                }
            }
        }
        double[] scores = new double[dn];
        for (int di = 0; di < dn; di++) {
            CocoAnnotation a = d.get(di);
            scores[di] = a.score();
            boolean out = a.area() < aRng[0] || a.area() > aRng[1];
            for (int t = 0; t < tn; t++) {
                dtIg[t * dn + di] |= dtm[t * dn + di] == 0 && out;
            }
        }
        return new EvalImage(scores, dtm, dtIg, gtIg);
    }

    private int pIndex(int t, int r, int k, int a, int m) {
        int rn = p.recThrs().length;
        int kn = evalCats();
        int an = p.areaRng().length;
        int mn = p.maxDets().length;
        return (((t * rn + r) * kn + k) * an + a) * mn + m;
    }

    private int rIndex(int t, int k, int a, int m) {
        return ((t * evalCats() + k) * p.areaRng().length + a) * p.maxDets().length + m;
    }

    /** Precision per (IoU, recall threshold, category, area, maxDets) and recall per (IoU, category, area, maxDets). */
    public CocoEval accumulate() {
        if (evalImgs == null) {
            throw new IllegalStateException("run evaluate() before accumulate()");
        }
        int tn = p.iouThrs().length;
        int rn = p.recThrs().length;
        int kn = evalCats();
        int an = p.areaRng().length;
        int mn = p.maxDets().length;
        int in = imgIds.length;
        precision = new double[tn * rn * kn * an * mn];
        recall = new double[tn * kn * an * mn];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        IntStream.range(0, kn).parallel().forEach(k -> {
            for (int a = 0; a < an; a++) {
                for (int m = 0; m < mn; m++) {
                    accumulateOne(k, a, m, in);
                }
            }
        });
        return this;
    }

    private void accumulateOne(int k, int a, int m, int in) {
        int maxDet = p.maxDets()[m];
        int tn = p.iouThrs().length;
        List<EvalImage> e = new ArrayList<>();
        for (int i = 0; i < in; i++) {
            EvalImage x = evalImgs[(k * p.areaRng().length + a) * in + i];
            if (x != null) {
                e.add(x);
            }
        }
        if (e.isEmpty()) {
            return;
        }
        int total = 0;
        int npig = 0;
        for (EvalImage x : e) {
            total += Math.min(maxDet, x.dtScores().length);
            for (boolean ig : x.gtIgnore()) {
                npig += ig ? 0 : 1;
            }
        }
        if (npig == 0) {
            return;
        }
        double[] scores = new double[total];
        long[][] dtm = new long[tn][total];
        boolean[][] dtIg = new boolean[tn][total];
        int o = 0;
        for (EvalImage x : e) {
            int dn = x.dtScores().length;
            int c = Math.min(maxDet, dn);
            System.arraycopy(x.dtScores(), 0, scores, o, c);
            for (int t = 0; t < tn; t++) {
                System.arraycopy(x.dtMatches(), t * dn, dtm[t], o, c);
                System.arraycopy(x.dtIgnore(), t * dn, dtIg[t], o, c);
            }
            o += c;
        }
        int[] order = StableOrder.byDecreasingScore(scores);
        double[] recThrs = p.recThrs();
        for (int t = 0; t < tn; t++) {
            double[] rc = new double[total];
            double[] pr = new double[total];
            long tp = 0;
            long fp = 0;
            for (int j = 0; j < total; j++) {
                int s = order[j];
                if (!dtIg[t][s]) {
                    if (dtm[t][s] != 0) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
                rc[j] = (double) tp / npig;
                pr[j] = (double) tp / ((double) fp + (double) tp + Math.ulp(1.0));
            }
            recall[rIndex(t, k, a, m)] = total > 0 ? rc[total - 1] : 0;
            for (int j = total - 1; j > 0; j--) {
                if (pr[j] > pr[j - 1]) {
                    pr[j - 1] = pr[j];
                }
            }
            for (int r = 0; r < recThrs.length; r++) {
                int pi = searchLeft(rc, recThrs[r]);
                // past the last detection pycocotools stops filling: the remaining recall points stay 0
                precision[pIndex(t, r, k, a, m)] = pi < total ? pr[pi] : 0;
            }
        }
    }

    /** np.searchsorted(a, v, side='left') on an ascending array: the first index with a[i] >= v. */
    private static int searchLeft(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The 12 standard numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl); -1 undefined. */
    public double[] summarize() {
        if (precision == null) {
            throw new IllegalStateException("run accumulate() before summarize()");
        }
        int[] md = p.maxDets();
        int last = md[Math.min(2, md.length - 1)];
        stats = new double[] {
            mean(true, null, "all", last),
            mean(true, .5, "all", last),
            mean(true, .75, "all", last),
            mean(true, null, "small", last),
            mean(true, null, "medium", last),
            mean(true, null, "large", last),
            mean(false, null, "all", md[0]),
            mean(false, null, "all", md[Math.min(1, md.length - 1)]),
            mean(false, null, "all", last),
            mean(false, null, "small", last),
            mean(false, null, "medium", last),
            mean(false, null, "large", last),
        };
        return stats.clone();
    }

    /** summarize()'s numbers as pycocotools prints them, 12 lines. */
    public String summaryText() {
        if (stats == null) {
            summarize();
        }
        int[] md = p.maxDets();
        int last = md[Math.min(2, md.length - 1)];
        Object[][] rows = {
            {true, null, "all", last}, {true, .5, "all", last}, {true, .75, "all", last},
            {true, null, "small", last}, {true, null, "medium", last}, {true, null, "large", last},
            {false, null, "all", md[0]}, {false, null, "all", md[Math.min(1, md.length - 1)]},
            {false, null, "all", last}, {false, null, "small", last}, {false, null, "medium", last},
            {false, null, "large", last},
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.length; i++) {
            boolean ap = (Boolean) rows[i][0];
            Double thr = (Double) rows[i][1];
            String iouStr = thr == null ? fixed(p.iouThrs()[0], 2) + ":" + fixed(p.iouThrs()[p.iouThrs().length - 1], 2)
                    : fixed(thr, 2);
            sb.append(String.format(" %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s\n",
                    ap ? "Average Precision" : "Average Recall", ap ? "(AP)" : "(AR)", iouStr, rows[i][2],
                    (Integer) rows[i][3], fixed(stats[i], 3)));
        }
        return sb.toString();
    }

    /** Python's '{:0.Nf}': the exact binary value rounded half-even. */
    static String fixed(double v, int digits) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private double mean(boolean ap, Double iouThr, String areaLbl, int maxDets) {
        int a = indexOf(p.areaRngLbl(), areaLbl);
        int m = -1;
        for (int i = 0; i < p.maxDets().length; i++) {
            if (p.maxDets()[i] == maxDets) {
                m = i;
            }
        }
        // the selected values in numpy's C order (t, r, k), as s[s > -1] lists them
        Values v = new Values();
        for (int t = 0; t < p.iouThrs().length; t++) {
            if (iouThr != null && p.iouThrs()[t] != iouThr) {
                continue;
            }
            if (ap) {
                for (int r = 0; r < p.recThrs().length; r++) {
                    for (int k = 0; k < evalCats(); k++) {
                        v.add(precision[pIndex(t, r, k, a, m)]);
                    }
                }
            } else {
                for (int k = 0; k < evalCats(); k++) {
                    v.add(recall[rIndex(t, k, a, m)]);
                }
            }
        }
        return v.mean();
    }

    /** The values above -1, averaged as np.mean does (pairwise summation), -1 when there are none. */
    private static final class Values {
        private double[] data = new double[64];
        private int n;

        void add(double x) {
            if (x > -1) {
                if (n == data.length) {
                    data = Arrays.copyOf(data, 2 * n);
                }
                data[n++] = x;
            }
        }

        double mean() {
            return n == 0 ? -1 : PairwiseSum.numpySum(data, n) / n;
        }
    }

    /** AP (IoU 0.50:0.95, area all, the largest maxDets) of each category, in catIds order; -1 when undefined. */
    public double[] perCategoryAp() {
        if (precision == null) {
            throw new IllegalStateException("run accumulate() before perCategoryAp()");
        }
        if (!p.useCats()) {
            throw new IllegalStateException("per-category AP needs useCats");
        }
        int a = indexOf(p.areaRngLbl(), "all");
        int m = p.maxDets().length - 1;
        double[] out = new double[catIds.length];
        for (int k = 0; k < catIds.length; k++) {
            Values v = new Values();
            for (int t = 0; t < p.iouThrs().length; t++) {
                for (int r = 0; r < p.recThrs().length; r++) {
                    v.add(precision[pIndex(t, r, k, a, m)]);
                }
            }
            out[k] = v.mean();
        }
        return out;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(s)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no area range '" + s + "'");
    }
}
