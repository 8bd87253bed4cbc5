package org.rcnn4j.classic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoEval;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.Sample;

/**
 * COCO box AP of an {@link Rcnn} on held-out scenes (image id = scene index + 1, category id = class label), with
 * and without the bounding-box regression (the paper's ablation), and the detection time per image (proposals,
 * features, SVMs, regression and NMS; not the evaluation).
 */
public final class RcnnEval {
    /**
     * @param stats             the 12 COCO numbers with regression (AP, AP50, AP75, ...)
     * @param statsNoRegression the same without it
     */
    public record Report(double[] stats, double[] statsNoRegression, double msPerImage, double proposalsPerImage,
            List<CocoAnnotation> detections, List<Rcnn.Detections> perImage, CocoDataset groundTruth) {
    }

    private RcnnEval() {
    }

    public static Report evaluate(Rcnn model, List<Sample> scenes) {
        List<Rcnn.Detections> withReg = new ArrayList<>();
        List<Rcnn.Detections> noReg = new ArrayList<>();
        long nanos = 0;
        long proposals = 0;
        for (Sample s : scenes) {
            long t0 = System.nanoTime();
            Rcnn.Scored sc = model.score(s.image().floats(), s.height(), s.width());
            Rcnn.Detections d = model.detections(sc, s.height(), s.width(), true);
            nanos += System.nanoTime() - t0;
            withReg.add(d);
            noReg.add(model.detections(sc, s.height(), s.width(), false));
            proposals += sc.proposals().length;
        }
        CocoDataset gt = groundTruth(scenes);
        List<CocoAnnotation> dets = annotations(withReg);
        return new Report(ap(gt, dets), ap(gt, annotations(noReg)), nanos / 1e6 / scenes.size(),
                (double) proposals / scenes.size(), dets, withReg, gt);
    }

    /** The 12 COCO box numbers of detections against ground truth. */
    public static double[] ap(CocoDataset gt, List<CocoAnnotation> dets) {
        return new CocoEval(gt, dets, CocoParams.defaults(CocoParams.IouType.BBOX)).evaluate().accumulate()
                .summarize();
    }

    /** Scenes as COCO ground truth: bbox from the boxes, area = visible mask pixels (as CocoScenesExport). */
    public static CocoDataset groundTruth(List<Sample> scenes) {
        Map<Long, CocoImage> images = new LinkedHashMap<>();
        Map<Long, CocoCategory> cats = new LinkedHashMap<>();
        for (int c = 0; c < FashionMnist.CLASS_NAMES.size(); c++) {
            cats.put((long) c + 1, new CocoCategory(c + 1, FashionMnist.CLASS_NAMES.get(c), "fashion"));
        }
        List<CocoAnnotation> anns = new ArrayList<>();
        long id = 1;
        for (int i = 0; i < scenes.size(); i++) {
            Sample s = scenes.get(i);
            images.put((long) i + 1, new CocoImage(i + 1, s.width(), s.height(), String.format("%06d.png", i)));
            byte[] m = s.masks().bytes();
            int plane = s.height() * s.width();
            long[] lb = s.labels().longs();
            for (int k = 0; k < s.count(); k++) {
                float[] b = RcnnScenes.box(s, k);
                long area = 0;
                for (int p = k * plane; p < (k + 1) * plane; p++) {
                    area += m[p] != 0 ? 1 : 0;
                }
                anns.add(new CocoAnnotation(id++, i + 1, lb[k], new double[] {b[0], b[1], b[2] - b[0], b[3] - b[1]},
                        area, false, Double.NaN, null));
            }
        }
        return new CocoDataset(images, cats, anns);
    }

    /** Detections as COCO results (bbox [x, y, w, h]); image i of the list is image id i + 1. */
    public static List<CocoAnnotation> annotations(List<Rcnn.Detections> perImage) {
        List<CocoAnnotation> out = new ArrayList<>();
        long id = 1;
        for (int i = 0; i < perImage.size(); i++) {
            Rcnn.Detections d = perImage.get(i);
            for (int j = 0; j < d.count(); j++) {
                float[] b = d.boxes();
                double w = b[4 * j + 2] - b[4 * j];
                double h = b[4 * j + 3] - b[4 * j + 1];
                out.add(new CocoAnnotation(id++, i + 1, d.labels()[j], new double[] {b[4 * j], b[4 * j + 1], w, h},
                        w * h, false, d.scores()[j], null));
            }
        }
        return out;
    }

    /**
     * The chance baseline: {@code perImage} random boxes per scene (uniform corners inside the image), random
     * classes and random scores.
     */
    public static List<Rcnn.Detections> randomDetections(List<Sample> scenes, int perImage, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int k = FashionMnist.CLASS_NAMES.size();
        List<Rcnn.Detections> out = new ArrayList<>();
        for (Sample s : scenes) {
            float[] b = new float[perImage * 4];
            float[] sc = new float[perImage];
            long[] lb = new long[perImage];
            for (int i = 0; i < perImage; i++) {
                double xa = rng.nextDouble() * s.width();
                double xb = rng.nextDouble() * s.width();
                double ya = rng.nextDouble() * s.height();
                double yb = rng.nextDouble() * s.height();
                b[4 * i] = (float) Math.min(xa, xb);
                b[4 * i + 1] = (float) Math.min(ya, yb);
                b[4 * i + 2] = (float) Math.max(xa, xb);
                b[4 * i + 3] = (float) Math.max(ya, yb);
                sc[i] = (float) rng.nextDouble();
                lb[i] = 1 + rng.nextInt(k);
            }
            out.add(new Rcnn.Detections(b, sc, lb));
        }
        return out;
    }
}
