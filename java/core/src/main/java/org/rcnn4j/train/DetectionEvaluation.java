package org.rcnn4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoEval;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.EvalProgress;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.data.CocoGroundTruth;
import org.rcnn4j.data.DataLoader;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.data.Sample;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.train.DetectionResults;

/**
 * Runs a detector over a dataset and scores it with COCOeval: bbox always, segm when the detector returns masks.
 * Images are loaded on a worker thread while the detector works on the previous batch.
 */
public final class DetectionEvaluation {
    private DetectionEvaluation() {
    }

    /** One COCOeval run: the 12 summary numbers, pycocotools' printout, and AP per category (catIds order). */
    public record Summary(CocoParams.IouType type, double[] stats, String text, long[] categoryIds,
            List<String> categoryNames, double[] perCategoryAp) {
        /** AP at IoU 0.50:0.95, all areas, 100 detections. */
        public double ap() {
            return stats[0];
        }

        public double ap50() {
            return stats[1];
        }

        /** Category name to AP (-1 when the category has no ground truth), in category id order. */
        public Map<String, Double> perCategory() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int k = 0; k < categoryIds.length; k++) {
                m.put(categoryNames.get(k), perCategoryAp[k]);
            }
            return m;
        }
    }

    /**
     * @param segm            null when the detector returned no masks
     * @param results         every detection, ids 1, 2, ... in image order, with box and (Mask R-CNN) mask
     * @param secondsPerImage the detector's own time (loading excluded) over the images
     */
    public record Result(Summary bbox, Summary segm, List<CocoAnnotation> results, int images,
            double secondsPerImage) {
        /** The summaries as pycocotools prints them, each under its iou type. */
        public String text() {
            StringBuilder sb = new StringBuilder("IoU metric: bbox\n").append(bbox.text());
            if (segm != null) {
                sb.append("IoU metric: segm\n").append(segm.text());
            }
            return sb.toString();
        }

        /** One line per category: name, bbox AP and (with masks) segm AP, "-" where a category has no truth. */
        public String perCategoryText() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %8s%s%n", "category", "AP bbox",
                    segm == null ? "" : String.format(Locale.ROOT, " %8s", "AP segm")));
            for (int k = 0; k < bbox.categoryIds().length; k++) {
                sb.append(String.format(Locale.ROOT, "%-24s %8s", bbox.categoryNames().get(k),
                        ap(bbox.perCategoryAp()[k])));
                if (segm != null) {
                    sb.append(String.format(Locale.ROOT, " %8s", ap(segm.perCategoryAp()[k])));
                }
                sb.append(System.lineSeparator());
            }
            return sb.toString();
        }

        private static String ap(double v) {
            return v < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }

        /** Writes DIR/results.json (COCO results, boxes and masks) and DIR/summary.txt (text and per category). */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            DetectionResults.write(dir.resolve("results.json"), results);
            String summary = text() + System.lineSeparator() + perCategoryText()
                    + String.format(Locale.ROOT, "%d images, %.4f s/image%n", images, secondsPerImage);
            byte[] bytes = summary.getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(dir.resolve("summary.txt"), o -> o.write(bytes));
        }
    }

    /**
     * Evaluates against the dataset's own ground truth: a {@link CocoDetectionDataset}'s file (labels mapped to
     * its category ids), or for any other dataset its samples as {@link CocoGroundTruth} numbers them (label c is
     * category c, named classNames[c - 1]).
     *
     * @param classNames used only for a dataset that is not a CocoDetectionDataset
     * @param progress   where progress lines go (System.err), or null for none
     */
    public static Result evaluate(Function<List<Tensor>, List<ImageDetections>> detector, Dataset data,
            List<String> classNames, int batchSize, PrintStream progress) {
        if (data instanceof CocoDetectionDataset c) {
            return evaluate(detector, c, c.groundTruth(), c::imageId, c.labels(), batchSize, progress);
        }
        return evaluate(detector, data, null, i -> i + 1L, LabelMap.identity(classNames), batchSize, progress);
    }

    /**
     * @param gt        the ground truth; null builds it from the samples as they are loaded ({@link CocoGroundTruth},
     *                  image id i + 1, label c = category c)
     * @param imageIdOf the COCO image id of dataset index i
     * @param labels    the detector's labels 1..K to category ids
     */
    public static Result evaluate(Function<List<Tensor>, List<ImageDetections>> detector, Dataset data,
            CocoDataset gt, IntToLongFunction imageIdOf, LabelMap labels, int batchSize, PrintStream progress) {
        int n = data.size();
        List<CocoAnnotation> results = new ArrayList<>();
        List<List<CocoAnnotation>> gtAnns = new ArrayList<>();
        Map<Long, CocoImage> gtImages = new LinkedHashMap<>();
        int withMasks = 0;
        long detectorNanos = 0;
        EvalProgress bar = new EvalProgress(progress, n);
        DataLoader loader = new DataLoader(data, batchSize, false, false, 0, 1, 2);
        int done = 0;
        try (DataLoader.Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                List<Sample> batch = epoch.next();
                List<Tensor> images = new ArrayList<>(batch.size());
                for (Sample s : batch) {
                    images.add(s.image());
                }
                long t0 = System.nanoTime();
                List<ImageDetections> dets = detector.apply(images);
                detectorNanos += System.nanoTime() - t0;
                if (dets == null || dets.size() != batch.size()) {
                    throw new IllegalStateException("the detector returned " + (dets == null ? "null" : dets.size()
                            + " results") + " for a batch of " + batch.size() + " images");
                }
                for (int j = 0; j < batch.size(); j++) {
                    int index = done + j;
                    Sample s = batch.get(j);
                    ImageDetections d = dets.get(j);
                    long imageId = imageIdOf.applyAsLong(index);
                    if (d.masks() != null) {
                        int[] ms = d.masks().shape();
                        if (ms.length != 4 || ms[2] != s.height() || ms[3] != s.width()) {
                            throw new IllegalStateException("image " + imageId + ": masks must be [D, 1, "
                                    + s.height() + ", " + s.width() + "] (the image's size), got "
                                    + Arrays.toString(ms));
                        }
                        withMasks++;
                    } else if (d.crops() != null) {
                        for (MaskCrop c : d.crops()) {
                            if (c.imageHeight() != s.height() || c.imageWidth() != s.width()) {
                                throw new IllegalStateException("image " + imageId + ": a mask crop of a "
                                        + c.imageWidth() + "x" + c.imageHeight() + " image, expected "
                                        + s.width() + "x" + s.height() + " (the image's size)");
                            }
                        }
                        withMasks++;
                    }
                    results.addAll(DetectionResults.of(imageId, d, labels, results.size() + 1L));
                    if (gt == null) {
                        CocoImage im = CocoGroundTruth.image(index, s);
                        gtImages.put(im.id(), im);
                        gtAnns.add(CocoGroundTruth.annotations(index, s));
                    }
                }
                done += batch.size();
                bar.update(done);
            }
        }
        if (withMasks != 0 && withMasks != n) {
            throw new IllegalStateException("the detector returned masks for " + withMasks + " of " + n
                    + " images; segm evaluation needs them for all or none");
        }
        CocoDataset truth = gt != null ? gt
                : new CocoDataset(gtImages, categories(labels), CocoGroundTruth.numbered(gtAnns));
        Summary bbox = score(truth, DetectionResults.forBbox(results), CocoParams.IouType.BBOX);
        Summary segm = withMasks == 0 || n == 0 ? null
                : score(truth, DetectionResults.forSegm(results), CocoParams.IouType.SEGM);
        return new Result(bbox, segm, List.copyOf(results), n, n == 0 ? 0 : detectorNanos / 1e9 / n);
    }

    private static Map<Long, CocoCategory> categories(LabelMap labels) {
        Map<Long, CocoCategory> m = new LinkedHashMap<>();
        long[] ids = labels.categoryIds();
        for (int k = 0; k < ids.length; k++) {
            m.put(ids[k], new CocoCategory(ids[k], labels.names().get(k), null));
        }
        return m;
    }

    /** COCOeval's evaluate, accumulate and summarize on one iou type. */
    public static Summary score(CocoDataset gt, List<CocoAnnotation> dt, CocoParams.IouType type) {
        CocoEval e = new CocoEval(gt, dt, CocoParams.defaults(type)).evaluate().accumulate();
        double[] stats = e.summarize();
        long[] cats = e.catIds();
        List<String> names = new ArrayList<>(cats.length);
        for (long c : cats) {
            names.add(e.category(c).name());
        }
        return new Summary(type, stats, e.summaryText(), cats, List.copyOf(names), e.perCategoryAp());
    }
}
