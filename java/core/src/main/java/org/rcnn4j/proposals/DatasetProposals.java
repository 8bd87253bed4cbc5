package org.rcnn4j.proposals;

import java.util.List;
import java.util.stream.IntStream;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.tensor.Tensor;

/**
 * Selective-search proposals of every image of a dataset, computed once (images in parallel on the common pool)
 * and kept in memory as F32 [P_i, 4] boxes (x1, y1, x2, y2) in the image's pixel-edge coordinates, the layout of
 * the dataset's ground-truth boxes. Each image's list keeps selective search's ranking, best first.
 */
public final class DatasetProposals {
    private final Tensor[] boxes;
    private final double seconds;

    private DatasetProposals(Tensor[] boxes, double seconds) {
        this.boxes = boxes;
        this.seconds = seconds;
    }

    /**
     * @param maxPerImage keep at most this many best-ranked boxes per image (the paper uses about 2000)
     */
    public static DatasetProposals compute(Dataset data, SelectiveSearch.Mode mode, int maxPerImage) {
        if (maxPerImage < 1) {
            throw new IllegalArgumentException("maxPerImage must be >= 1, got " + maxPerImage);
        }
        long t0 = System.nanoTime();
        Tensor[] boxes = IntStream.range(0, data.size()).parallel()
                .mapToObj(i -> propose(data.get(i).image(), mode, maxPerImage)).toArray(Tensor[]::new);
        return new DatasetProposals(boxes, (System.nanoTime() - t0) / 1e9);
    }

    /** Proposals computed elsewhere (e.g. read from a file), one F32 [P_i, 4] per image; 0 seconds. */
    public static DatasetProposals of(List<Tensor> boxes) {
        for (Tensor t : boxes) {
            if (t.dtype() != org.rcnn4j.tensor.DType.F32 || t.dim() != 2 || t.size(1) != 4) {
                throw new IllegalArgumentException("proposals: expected F32 [P, 4] per image, got " + t);
            }
        }
        return new DatasetProposals(boxes.toArray(Tensor[]::new), 0);
    }

    /** Proposals of one F32 [3, H, W] image with values in [0, 1], as F32 [P, 4]. */
    public static Tensor propose(Tensor image, SelectiveSearch.Mode mode, int maxPerImage) {
        int[][] b = SelectiveSearch.propose(rgb(image), mode);
        int n = Math.min(b.length, maxPerImage);
        float[] flat = new float[n * 4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                flat[4 * i + k] = b[i][k];
            }
        }
        return Tensor.ofFloats(flat, n, 4);
    }

    /** An F32 [3, H, W] image in [0, 1] as selective search's 0..255 planes. */
    public static RgbImage rgb(Tensor image) {
        int[] s = image.shape();
        if (s.length != 3 || s[0] != 3) {
            throw new IllegalArgumentException("image: expected F32 [3, H, W], got " + java.util.Arrays.toString(s));
        }
        int n = s[1] * s[2];
        float[] f = image.floats();
        float[] r = new float[n];
        float[] g = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = f[i] * 255f;
            g[i] = f[n + i] * 255f;
            b[i] = f[2 * n + i] * 255f;
        }
        return new RgbImage(s[2], s[1], r, g, b);
    }

    /** Boxes mirrored as {@code HorizontalFlip} mirrors an image of the given width. */
    public static Tensor flip(Tensor boxes, int width) {
        float[] in = boxes.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i += 4) {
            out[i] = width - in[i + 2];
            out[i + 1] = in[i + 1];
            out[i + 2] = width - in[i];
            out[i + 3] = in[i + 3];
        }
        return Tensor.ofFloats(out, boxes.shape());
    }

    public Tensor get(int index) {
        return boxes[index];
    }

    /** The proposals of images {@code from .. from + count - 1}. */
    public List<Tensor> range(int from, int count) {
        return List.of(boxes).subList(from, from + count);
    }

    public int size() {
        return boxes.length;
    }

    /** Wall-clock seconds the computation took (all images, in parallel). */
    public double seconds() {
        return seconds;
    }

    public double meanCount() {
        long total = 0;
        for (Tensor t : boxes) {
            total += t.size(0);
        }
        return boxes.length == 0 ? 0 : (double) total / boxes.length;
    }
}
