package org.rcnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoResults;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.coco.Segmentation;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A detector's output as COCO results. Each detection becomes one annotation holding the box ([x, y, w, h], area
 * w * h) and, for Mask R-CNN, its mask (probability > 0.5) as an RLE segmentation, from the full-size mask or from
 * the mask kept at its paste window ({@link ImageDetections#crops()}), with the same RLE. Evaluation wants the two
 * apart, as torchvision's and Detectron2's evaluators prepare them: {@link #forBbox} (boxes, box areas) and
 * {@link #forSegm} (masks, mask areas, so small/medium/large follow the mask).
 */
public final class DetectionResults {
    private DetectionResults() {
    }

    /**
     * @param imageId the COCO image id of the image the detections are for
     * @param labels  maps the detector's labels 1..K to category ids
     * @param firstId the id of the first result; the others follow (results of a whole run need distinct ids)
     */
    public static List<CocoAnnotation> of(long imageId, ImageDetections d, LabelMap labels, long firstId) {
        int n = check(d);
        float[] b = d.boxes().floats();
        float[] sc = d.scores().floats();
        long[] lab = d.labels().longs();
        Tensor m = d.masks();
        int h = d.masks() == null ? 0 : d.masks().shape()[2];
        int w = d.masks() == null ? 0 : d.masks().shape()[3];
        List<CocoAnnotation> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double x1 = b[4 * i];
            double y1 = b[4 * i + 1];
            double bw = b[4 * i + 2] - x1;
            double bh = b[4 * i + 3] - y1;
            Segmentation seg = d.crops() != null ? Segmentation.ofRle(binaryMask(d.crops().get(i)))
                    : m == null ? null : Segmentation.ofRle(binaryMask(m, i, h, w));
            out.add(new CocoAnnotation(firstId + i, imageId, labels.categoryId(lab[i]), new double[] {x1, y1, bw, bh},
                    bw * bh, false, sc[i], seg));
        }
        return out;
    }

    private static int check(ImageDetections d) {
        Tensor boxes = d.boxes();
        if (boxes.dtype() != DType.F32 || boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException("boxes must be F32 [D, 4], got " + boxes.dtype() + " "
                    + Arrays.toString(boxes.shape()));
        }
        int n = boxes.size(0);
        if (d.scores().dtype() != DType.F32 || !Arrays.equals(d.scores().shape(), new int[] {n})) {
            throw new IllegalArgumentException("scores must be F32 [" + n + "], got " + d.scores().dtype() + " "
                    + Arrays.toString(d.scores().shape()));
        }
        if (d.labels().dtype() != DType.I64 || !Arrays.equals(d.labels().shape(), new int[] {n})) {
            throw new IllegalArgumentException("labels must be I64 [" + n + "], got " + d.labels().dtype() + " "
                    + Arrays.toString(d.labels().shape()));
        }
        if (d.crops() != null && d.crops().size() != n) {
            throw new IllegalArgumentException("crops: expected one per detection (" + n + "), got "
                    + d.crops().size());
        }
        Tensor masks = d.masks();
        if (masks != null && ((masks.dtype() != DType.F32 && masks.dtype() != DType.U8) || masks.dim() != 4
                || masks.size(0) != n || masks.size(1) != 1)) {
            throw new IllegalArgumentException("masks must be F32 or U8 [" + n + ", 1, H, W], got " + masks.dtype()
                    + " " + Arrays.toString(masks.shape()));
        }
        return n;
    }

    /**
     * Plane i of F32 [D, 1, h, w] probabilities thresholded at > 0.5 (or of U8 binary masks, nonzero inside),
     * column-major for the RLE.
     */
    private static Rle binaryMask(Tensor masks, int i, int h, int w) {
        byte[] col = new byte[h * w];
        int base = i * h * w;
        if (masks.dtype() == DType.U8) {
            byte[] m = masks.bytes();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    col[x * h + y] = m[base + y * w + x] != 0 ? (byte) 1 : 0;
                }
            }
            return Rle.encode(col, h, w);
        }
        float[] m = masks.floats();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                col[x * h + y] = m[base + y * w + x] > 0.5f ? (byte) 1 : 0;
            }
        }
        return Rle.encode(col, h, w);
    }

    /**
     * A mask kept at its paste window (U8 binary, nonzero inside, or F32 probabilities at > 0.5) as the RLE of the
     * full-size mask, made from the window alone.
     */
    private static Rle binaryMask(MaskCrop c) {
        byte[] window;
        if (c.binary()) {
            window = c.values().bytes();
        } else {
            float[] p = c.values().floats();
            window = new byte[p.length];
            for (int i = 0; i < p.length; i++) {
                window[i] = p[i] > 0.5f ? (byte) 1 : 0;
            }
        }
        return Rle.encodeWindow(c.imageHeight(), c.imageWidth(), c.x0(), c.y0(), c.x1(), c.y1(), window);
    }

    /** The results for bbox evaluation: the boxes with area w * h, no segmentation. */
    public static List<CocoAnnotation> forBbox(List<CocoAnnotation> results) {
        List<CocoAnnotation> out = new ArrayList<>(results.size());
        for (CocoAnnotation a : results) {
            double[] b = a.bbox();
            out.add(new CocoAnnotation(a.id(), a.imageId(), a.categoryId(), b, b[2] * b[3], false, a.score(), null));
        }
        return out;
    }

    /**
     * The results for segm evaluation, as pycocotools' loadRes reads a segmentation-only results file: area the
     * mask's pixel count, bbox the mask's bounds.
     *
     * @throws IllegalArgumentException when a result has no mask
     */
    public static List<CocoAnnotation> forSegm(List<CocoAnnotation> results) {
        List<CocoAnnotation> out = new ArrayList<>(results.size());
        for (CocoAnnotation a : results) {
            if (a.segmentation() == null || a.segmentation().rle() == null) {
                throw new IllegalArgumentException("result " + a.id() + " (image " + a.imageId()
                        + ") has no mask; segm evaluation needs masks");
            }
            Rle r = a.segmentation().rle();
            out.add(new CocoAnnotation(a.id(), a.imageId(), a.categoryId(), r.toBbox(), r.area(), false, a.score(),
                    a.segmentation()));
        }
        return out;
    }

    /**
     * Writes results with both bbox and (where present) compressed-RLE segmentation, Detectron2's
     * coco_instances_results.json layout. Note that pycocotools' loadRes of such a file takes every area from
     * the box, also for segm; load it through {@link CocoResults#read} and pass it to {@link #forSegm} to use
     * mask areas.
     */
    public static void write(Path file, List<CocoAnnotation> results) throws IOException {
        CocoResults.write(file, results);
    }
}
