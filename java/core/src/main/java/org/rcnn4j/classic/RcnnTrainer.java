package org.rcnn4j.classic;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.Sample;

/**
 * Trains R-CNN's class-specific parts on top of a frozen {@link FeatureExtractor}: for every training scene the
 * ground-truth boxes and the selective-search proposals are described by the extractor; features are scaled by one
 * constant so that their mean L2 norm is 20 (as R-CNN's code does); per class, a linear SVM with positives = the
 * class's ground-truth boxes and negatives = proposals overlapping every box of the class by less than 0.3, trained
 * with {@link HardNegativeMining}; and a {@link BoxRegressor} on proposals (and ground-truth boxes) overlapping a
 * box of the class by at least 0.6.
 */
public final class RcnnTrainer {
    public static final double FEATURE_NORM = 20;
    public static final double NEGATIVE_IOU = 0.3;

    /** Training settings. */
    public record Options(FeatureExtractor.Options extractor, HardNegativeMining.Options mining, double lambda,
            Rcnn.Options test) {
        public static Options defaults(long seed) {
            return new Options(FeatureExtractor.Options.defaults(seed),
                    new HardNegativeMining.Options(3, 500, LinearSvm.Options.rcnn(seed)), BoxRegressor.PAPER_LAMBDA,
                    Rcnn.Options.paper());
        }
    }

    /** Every training box: its features row, the scene, the box, and its best-overlapping ground truth. */
    private record Rows(float[] features, int count, boolean[] isGt, long[] label, double[] bestIou,
            float[][] box, float[][] bestGt, double[][] classIou) {
    }

    private RcnnTrainer() {
    }

    /** Pretrains the extractor, then trains the SVMs and regressors on {@code scenes}. */
    public static Rcnn train(Backend backend, List<Sample> scenes, Options o, PrintStream log) {
        FeatureExtractor fx = FeatureExtractor.pretrain(backend, o.extractor(), log);
        return train(fx, scenes, o, log);
    }

    public static Rcnn train(FeatureExtractor fx, List<Sample> scenes, Options o, PrintStream log) {
        int k = FashionMnist.CLASS_NAMES.size();
        long t0 = System.nanoTime();
        Rows rows = describe(fx, scenes, k, o.test().maxProposals());
        int d = fx.dim();
        double norm = 0;
        for (int i = 0; i < rows.count(); i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = rows.features()[i * d + j];
                s += v * v;
            }
            norm += Math.sqrt(s);
        }
        norm /= Math.max(1, rows.count());
        float scale = norm > 0 ? (float) (FEATURE_NORM / norm) : 1f;
        float[] x = rows.features();
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        if (log != null) {
            log.printf(Locale.ROOT, "described %d boxes of %d training scenes in %.1f s (feature scale %.3f)%n",
                    rows.count(), scenes.size(), (System.nanoTime() - t0) / 1e9, scale);
        }
        LinearSvm[] svms = new LinearSvm[k];
        BoxRegressor[] regs = new BoxRegressor[k];
        String[] lines = new String[k];
        IntStream.range(0, k).parallel().forEach(c -> {
            List<Integer> pos = new ArrayList<>();
            List<Integer> neg = new ArrayList<>();
            List<Integer> reg = new ArrayList<>();
            for (int i = 0; i < rows.count(); i++) {
                if (rows.isGt()[i] && rows.label()[i] == c + 1) {
                    pos.add(i);
                } else if (!rows.isGt()[i] && rows.classIou()[i][c] < NEGATIVE_IOU) {
                    neg.add(i);
                }
                if (rows.label()[i] == c + 1 && rows.bestIou()[i] >= BoxRegressor.MIN_IOU) {
                    reg.add(i);
                }
            }
            HardNegativeMining.Result r = HardNegativeMining.train(x, d, ints(pos), ints(neg), o.mining());
            svms[c] = r.svm();
            int[] rr = ints(reg);
            double[] t = new double[rr.length * 4];
            for (int i = 0; i < rr.length; i++) {
                System.arraycopy(BoxRegressor.targets(rows.box()[rr[i]], rows.bestGt()[rr[i]]), 0, t, 4 * i, 4);
            }
            regs[c] = BoxRegressor.fit(x, d, rr, t, o.lambda());
            lines[c] = String.format(Locale.ROOT, "class %-11s svm: %3d positives, %5d negatives, mined %s, cache %d;"
                    + " regressor: %d boxes", FashionMnist.CLASS_NAMES.get(c), pos.size(), neg.size(),
                    Arrays.toString(r.added()), r.cacheEnd(), rr.length);
        });
        if (log != null) {
            for (String l : lines) {
                log.println(l);
            }
        }
        return new Rcnn(fx, scale, svms, regs, o.test());
    }

    private static Rows describe(FeatureExtractor fx, List<Sample> scenes, int classes, int maxProposals) {
        int d = fx.dim();
        // proposals and features per scene in parallel; the extractor's batches use the backend's threads too
        List<Object[]> per = IntStream.range(0, scenes.size()).parallel().mapToObj(si -> {
            Sample s = scenes.get(si);
            float[] img = s.image().floats();
            float[][] props = RcnnScenes.proposals(img, s.height(), s.width(), maxProposals);
            float[][] all = new float[s.count() + props.length][];
            for (int g = 0; g < s.count(); g++) {
                all[g] = RcnnScenes.box(s, g);
            }
            System.arraycopy(props, 0, all, s.count(), props.length);
            return new Object[] {all, fx.features(img, s.height(), s.width(), all)};
        }).toList();
        int total = 0;
        for (Object[] p : per) {
            total += ((float[][]) p[0]).length;
        }
        float[] x = new float[total * d];
        boolean[] isGt = new boolean[total];
        long[] label = new long[total];
        double[] bestIou = new double[total];
        float[][] box = new float[total][];
        float[][] bestGt = new float[total][];
        double[][] classIou = new double[total][];
        int n = 0;
        for (int si = 0; si < scenes.size(); si++) {
            Sample s = scenes.get(si);
            float[][] all = (float[][]) per.get(si)[0];
            float[] f = (float[]) per.get(si)[1];
            System.arraycopy(f, 0, x, n * d, f.length);
            long[] lb = s.labels().longs();
            for (int i = 0; i < all.length; i++) {
                int row = n + i;
                isGt[row] = i < s.count();
                box[row] = all[i];
                classIou[row] = new double[classes];
                for (int g = 0; g < s.count(); g++) {
                    float[] gb = RcnnScenes.box(s, g);
                    double v = RcnnScenes.iou(all[i], gb);
                    int c = (int) lb[g] - 1;
                    classIou[row][c] = Math.max(classIou[row][c], v);
                    if (v > bestIou[row]) {
                        bestIou[row] = v;
                        bestGt[row] = gb;
                        label[row] = lb[g];
                    }
                }
            }
            n += all.length;
        }
        return new Rows(x, total, isGt, label, bestIou, box, bestGt, classIou);
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
