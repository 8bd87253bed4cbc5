package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.tensor.Tensor;

/**
 * The masks of one image kept at their paste windows ({@link MaskCrop}): the windows come from the boxes read back
 * with the detections, and the paste of those windows runs a slice of detections at a time, each slice's windows
 * together at most a given size as F32 (but at least one detection), read back and freed before the next. So the
 * device holds one slice and the host the crops, never a full-size [D, 1, H, W]. An image whose full paste is
 * within that size is pasted whole and read with the other outputs instead (no extra synchronization), and its
 * crops cut from it: the same values.
 */
final class MaskCropping {
    /** paste_masks_in_image's padding (torchvision's paste_masks_in_image(..., padding=1)). */
    private static final int PADDING = 1;

    private MaskCropping() {
    }

    /**
     * @param probs     device F32 [D, 1, M, M], the masks the mask head predicts
     * @param boxes     device F32 [D, 4], the boxes in the original image
     * @param hostBoxes the same boxes on the host (the windows are derived from them)
     * @param original  the image's height and width
     */
    static List<MaskCrop> crops(Backend backend, Tensor probs, Tensor boxes, Tensor hostBoxes, int[] original,
            MaskOutput masks, long sliceBytes) {
        int d = probs.size(0);
        int h = original[0];
        int w = original[1];
        int[] windows = PasteWindows.of(hostBoxes, probs.size(3), PADDING, h, w);
        List<MaskCrop> out = new ArrayList<>(d);
        int from = 0;
        while (from < d) {
            long bytes = 4L * PasteWindows.area(windows, from);
            int to = from + 1;
            while (to < d && bytes + 4L * PasteWindows.area(windows, to) <= sliceBytes) {
                bytes += 4L * PasteWindows.area(windows, to);
                to++;
            }
            int k = to - from;
            int[] slice = Arrays.copyOfRange(windows, 4 * from, 4 * to);
            try (Tensor p = backend.select().rows(probs, from, k); Tensor b = backend.select().rows(boxes, from, k);
                    Tensor pasted = backend.roi().pasteMasksInWindows(p, b, h, w, PADDING, slice)) {
                float[] v = backend.toHost(pasted).floats();
                long at = 0;
                for (int i = 0; i < k; i++) {
                    out.add(crop(h, w, slice, i, v, at, slice[4 * i + 2] - slice[4 * i], masks));
                    at += PasteWindows.area(slice, i);
                }
            }
            from = to;
        }
        return out;
    }

    /**
     * The crops cut from full-size pasted probabilities (host F32 [D, 1, H, W], pasted at {@code hostBoxes} from
     * masks of {@code maskSize}): what {@link #crops} makes, for an image small enough to paste whole.
     */
    static List<MaskCrop> cut(Tensor pasted, Tensor hostBoxes, int maskSize, MaskOutput masks) {
        int d = pasted.size(0);
        int h = pasted.size(2);
        int w = pasted.size(3);
        int[] windows = PasteWindows.of(hostBoxes, maskSize, PADDING, h, w);
        float[] p = pasted.floats();
        List<MaskCrop> out = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            long at = ((long) i * h + windows[4 * i + 1]) * w + windows[4 * i];
            out.add(crop(h, w, windows, i, p, at, w, masks));
        }
        return out;
    }

    /**
     * The crop of window i of {@code windows} in an imageHeight x imageWidth image, its values read from
     * {@code v[at..]} with rows {@code stride} floats apart: F32 probabilities or U8 0/1 masks [rows, cols].
     */
    private static MaskCrop crop(int imageHeight, int imageWidth, int[] windows, int i, float[] v, long at,
            int stride, MaskOutput masks) {
        int x0 = windows[4 * i];
        int y0 = windows[4 * i + 1];
        int x1 = windows[4 * i + 2];
        int y1 = windows[4 * i + 3];
        int rows = y1 - y0;
        int cols = x1 - x0;
        Tensor values;
        if (!masks.binary()) {
            float[] f = new float[rows * cols];
            for (int y = 0; y < rows; y++) {
                System.arraycopy(v, (int) (at + (long) y * stride), f, y * cols, cols);
            }
            values = Tensor.ofFloats(f, rows, cols);
        } else {
            byte[] b = new byte[rows * cols];
            for (int y = 0; y < rows; y++) {
                int from = (int) (at + (long) y * stride);
                for (int x = 0; x < cols; x++) {
                    b[y * cols + x] = masks.inside(v[from + x]) ? (byte) 1 : 0;
                }
            }
            values = Tensor.ofBytes(b, rows, cols);
        }
        return new MaskCrop(imageHeight, imageWidth, x0, y0, x1, y1, values);
    }
}
