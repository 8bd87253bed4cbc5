package org.rcnn4j.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A detector's output drawn on its image: the detections scoring at least a threshold, with masks if any (full-size
 * or kept at their windows, {@link ImageDetections#crops()}: the same picture).
 */
public final class DetectionPictures {
    private DetectionPictures() {
    }

    /**
     * @param image          F32 [3, H, W] (or [1, H, W]) in [0, 1], the image the detections are for
     * @param classNames     name of label c at index c - 1
     * @param scoreThreshold detections scoring below it are left out
     * @param scale          enlargement (nearest neighbour), >= 1
     */
    public static BufferedImage draw(Tensor image, ImageDetections d, List<String> classNames, float scoreThreshold,
            int scale) {
        BufferedImage base = Images.toImage(image);
        float[] scores = d.scores().floats();
        int n = scores.length;
        int[] keep = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (scores[i] >= scoreThreshold) {
                keep[kept++] = i;
            }
        }
        keep = Arrays.copyOf(keep, kept);
        if (d.crops() != null) { // masks kept at their windows: painted there, never at full size
            List<MaskCrop> crops = new ArrayList<>(kept);
            for (int i : keep) {
                crops.add(binary(d.crops().get(i)));
            }
            return DetectionPainter.drawCrops(base, rows(d.boxes(), keep, 4, 4), rows(d.labels(), keep, 1),
                    rows(d.scores(), keep, 1), crops, classNames, scale);
        }
        Tensor masks = null;
        if (d.masks() != null) {
            int[] s = d.masks().shape();
            if (s.length != 4 || s[1] != 1) {
                throw new IllegalArgumentException("masks must be F32 or U8 [D, 1, H, W], got " + Arrays.toString(s));
            }
            masks = binary(d.masks(), keep, s[2], s[3]);
        }
        return DetectionPainter.draw(base, rows(d.boxes(), keep, 4, 4), rows(d.labels(), keep, 1),
                rows(d.scores(), keep, 1), masks, classNames, scale);
    }

    /** Draws and writes a PNG (atomically). */
    public static void write(Path png, Tensor image, ImageDetections d, List<String> classNames,
            float scoreThreshold, int scale) throws IOException {
        Pngs.write(png, draw(image, d, classNames, scoreThreshold, scale));
    }

    /**
     * The kept planes of F32 [D, 1, h, w] probabilities at > 0.5, the threshold COCO results use (or of U8 binary
     * masks), as U8 [kept, h, w] for the painter (read in place: no float copy of the kept planes).
     */
    private static Tensor binary(Tensor masks, int[] keep, int h, int w) {
        int plane = h * w;
        byte[] out = new byte[keep.length * plane];
        for (int k = 0; k < keep.length; k++) {
            int from = keep[k] * plane;
            int to = k * plane;
            if (masks.dtype() == DType.U8) {
                byte[] b = masks.bytes();
                for (int i = 0; i < plane; i++) {
                    out[to + i] = b[from + i] != 0 ? (byte) 1 : 0;
                }
                continue;
            }
            float[] p = masks.floats();
            for (int i = 0; i < plane; i++) {
                out[to + i] = p[from + i] > 0.5f ? (byte) 1 : 0;
            }
        }
        return Tensor.ofBytes(out, keep.length, h, w);
    }

    /** A crop of F32 probabilities at > 0.5, as the full-size masks are thresholded (a binary crop as it is). */
    private static MaskCrop binary(MaskCrop c) {
        if (c.binary()) {
            return c;
        }
        float[] p = c.values().floats();
        byte[] out = new byte[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] > 0.5f ? (byte) 1 : 0;
        }
        return new MaskCrop(c.imageHeight(), c.imageWidth(), c.x0(), c.y0(), c.x1(), c.y1(),
                Tensor.ofBytes(out, c.height(), c.width()));
    }

    /** The kept rows of a host tensor whose rows are {@code row} elements, shaped [kept, tail...]. */
    private static Tensor rows(Tensor t, int[] keep, int row, int... tail) {
        int[] shape = new int[1 + tail.length];
        shape[0] = keep.length;
        System.arraycopy(tail, 0, shape, 1, tail.length);
        if (t.dtype() == DType.I64) {
            long[] src = t.longs();
            long[] out = new long[keep.length * row];
            for (int k = 0; k < keep.length; k++) {
                System.arraycopy(src, keep[k] * row, out, k * row, row);
            }
            return Tensor.ofLongs(out, shape);
        }
        float[] src = t.floats();
        float[] out = new float[keep.length * row];
        for (int k = 0; k < keep.length; k++) {
            System.arraycopy(src, keep[k] * row, out, k * row, row);
        }
        return Tensor.ofFloats(out, shape);
    }
}
