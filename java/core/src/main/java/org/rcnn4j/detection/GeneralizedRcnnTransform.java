package org.rcnn4j.detection;

import java.util.List;
import java.util.stream.IntStream;
import org.rcnn4j.nn.Block;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's GeneralizedRCNNTransform in eval mode (models/detection/transform.py): per image normalize, then
 * resize so the short side is min_size unless the long side would exceed max_size (bilinear, align_corners=False),
 * then zero-pad the batch to multiples of size_divisible; {@link #resizeBoxes} maps detections back. No state; its
 * settings are the config's. Host computation, float32 as torch does it.
 */
public final class GeneralizedRcnnTransform extends Block {
    private RcnnConfig config;

    public GeneralizedRcnnTransform(RcnnConfig config) {
        this.config = config;
    }

    public RcnnConfig config() {
        return config;
    }

    /** Resizes to these sizes from now on (the detector's {@link GeneralizedRcnn#setTransformSizes}). */
    void setConfig(RcnnConfig newConfig) {
        this.config = newConfig;
    }

    @Override
    public String typeName() {
        return "GeneralizedRCNNTransform";
    }

    /** The transform with the config's settings (eval mode: min_size is the config's single size). */
    public ImageList forward(List<Tensor> images) {
        return transform(images, config.minSize(), config.maxSize(), config.imageMean(), config.imageStd(),
                config.sizeDivisible());
    }

    /**
     * Normalizes, resizes and batches {@code images} (each F32 [C, H, W], values as given, usually [0, 1]).
     *
     * @throws IllegalArgumentException an empty list, a non-F32 or non-CHW image, or mean/std not of length C
     */
    public static ImageList transform(List<Tensor> images, int minSize, int maxSize, float[] mean, float[] std,
            int sizeDivisible) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images must not be empty");
        }
        if (minSize < 1 || maxSize < 1 || sizeDivisible < 1) {
            throw new IllegalArgumentException("min_size, max_size and size_divisible must be positive, got "
                    + minSize + ", " + maxSize + ", " + sizeDivisible);
        }
        Tensor[] resized = new Tensor[images.size()];
        int[][] sizes = new int[images.size()][];
        for (int i = 0; i < resized.length; i++) {
            Tensor img = images.get(i);
            if (img.dtype() != DType.F32 || img.dim() != 3 || !img.isHost()) {
                throw new IllegalArgumentException("images[" + i + "] must be a host F32 tensor [C, H, W], got "
                        + img.dtype() + Shapes.format(img.shape()));
            }
            int[] out = resizedSize(img.size(1), img.size(2), minSize, maxSize);
            resized[i] = resizeBilinear(normalize(img, mean, std), out[0], out[1]);
            sizes[i] = out;
        }
        return new ImageList(batch(resized, sizeDivisible), sizes);
    }

    /**
     * The resize factor: min((1/min(h,w))·minSize, (1/max(h,w))·maxSize) in float32 (torch divides a Python number
     * by a float32 tensor as reciprocal then multiply: 480×640 gives exactly 800 rows, not 799).
     */
    public static float resizeScale(int h, int w, int minSize, int maxSize) {
        float lo = Math.min(h, w);
        float hi = Math.max(h, w);
        return Math.min((1f / lo) * (float) minSize, (1f / hi) * (float) maxSize);
    }

    /** The resized (H, W): floor(dim · scale) with the float32 scale read as a double (interpolate's rule). */
    public static int[] resizedSize(int h, int w, int minSize, int maxSize) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + h + "x" + w);
        }
        double s = resizeScale(h, w, minSize, maxSize);
        int oh = (int) Math.floor(h * s);
        int ow = (int) Math.floor(w * s);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("image of " + h + "x" + w + " would be resized to " + oh + "x" + ow
                    + " (min_size " + minSize + ", max_size " + maxSize + ")");
        }
        return new int[] {oh, ow};
    }

    /** (img - mean[c]) / std[c] per channel, float32. */
    public static Tensor normalize(Tensor img, float[] mean, float[] std) {
        int c = img.size(0);
        if (mean.length != c || std.length != c) {
            throw new IllegalArgumentException("image_mean and image_std need " + c + " values (one per channel), got "
                    + mean.length + " and " + std.length);
        }
        int hw = img.size(1) * img.size(2);
        float[] in = img.floats();
        float[] out = new float[in.length];
        IntStream.range(0, c).parallel().forEach(ch -> {
            float m = mean[ch];
            float s = std[ch];
            for (int i = ch * hw, e = i + hw; i < e; i++) {
                out[i] = (in[i] - m) / s;
            }
        });
        return Tensor.ofFloats(out, img.shape());
    }

    /**
     * ATen's upsample_bilinear2d with align_corners=False and the scale in/out (recompute_scale_factor): for each
     * output index, src = max((in/out)·(dst + 0.5) - 0.5, 0), i0 = (int) src, i1 = i0 + 1 unless at the edge,
     * weights 1 - (src - i0) and src - i0; rows then columns, float32.
     */
    public static Tensor resizeBilinear(Tensor img, int outH, int outW) {
        int c = img.size(0);
        int inH = img.size(1);
        int inW = img.size(2);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy0 = new float[outH];
        float[] wy1 = new float[outH];
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx0 = new float[outW];
        float[] wx1 = new float[outW];
        indices(inH, outH, y0, y1, wy0, wy1);
        indices(inW, outW, x0, x1, wx0, wx1);
        float[] in = img.floats();
        float[] out = new float[c * outH * outW];
        IntStream.range(0, c * outH).parallel().forEach(row -> {
            int ch = row / outH;
            int oy = row % outH;
            int r0 = (ch * inH + y0[oy]) * inW;
            int r1 = (ch * inH + y1[oy]) * inW;
            float a = wy0[oy];
            float b = wy1[oy];
            int o = row * outW;
            for (int ox = 0; ox < outW; ox++) {
                float t0 = in[r0 + x0[ox]] * wx0[ox] + in[r0 + x1[ox]] * wx1[ox];
                float t1 = in[r1 + x0[ox]] * wx0[ox] + in[r1 + x1[ox]] * wx1[ox];
                out[o + ox] = t0 * a + t1 * b;
            }
        });
        return Tensor.ofFloats(out, c, outH, outW);
    }

    private static void indices(int in, int out, int[] i0, int[] i1, float[] w0, float[] w1) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
            int lo = (int) src;
            i0[d] = lo;
            i1[d] = lo + (lo < in - 1 ? 1 : 0);
            float l1 = src - lo;
            w1[d] = l1;
            w0[d] = 1f - l1;
        }
    }

    /** Zero-pads images [C, H, W] (same C) bottom/right into one [N, C, H', W'], H', W' multiples of the divisor. */
    public static Tensor batch(Tensor[] images, int sizeDivisible) {
        int c = images[0].size(0);
        int maxH = 0;
        int maxW = 0;
        for (int i = 0; i < images.length; i++) {
            if (images[i].size(0) != c) {
                throw new IllegalArgumentException("images[" + i + "] has " + images[i].size(0) + " channels, "
                        + "images[0] has " + c);
            }
            maxH = Math.max(maxH, images[i].size(1));
            maxW = Math.max(maxW, images[i].size(2));
        }
        int ph = (int) (Math.ceil((double) maxH / sizeDivisible) * sizeDivisible);
        int pw = (int) (Math.ceil((double) maxW / sizeDivisible) * sizeDivisible);
        float[] out = new float[images.length * c * ph * pw];
        IntStream.range(0, images.length * c).parallel().forEach(nc -> {
            Tensor img = images[nc / c];
            int h = img.size(1);
            int w = img.size(2);
            float[] src = img.floats();
            int s = (nc % c) * h * w;
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, s + y * w, out, (nc * ph + y) * pw, w);
            }
        });
        return Tensor.ofFloats(out, images.length, c, ph, pw);
    }

    /**
     * torchvision's resize_boxes for postprocess: boxes [N, 4] (x1, y1, x2, y2) in the resized image's
     * coordinates, scaled by float32(original)/float32(resized) per axis.
     */
    public static Tensor resizeBoxes(Tensor boxes, int[] resized, int[] original) {
        if (boxes.dtype() != DType.F32 || boxes.dim() != 2 || boxes.size(1) != 4) {
            throw new IllegalArgumentException("boxes must be F32 [N, 4], got " + boxes.dtype()
                    + Shapes.format(boxes.shape()));
        }
        float rh = (float) original[0] / (float) resized[0];
        float rw = (float) original[1] / (float) resized[1];
        float[] b = boxes.floats();
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i += 4) {
            out[i] = b[i] * rw;
            out[i + 1] = b[i + 1] * rh;
            out[i + 2] = b[i + 2] * rw;
            out[i + 3] = b[i + 3] * rh;
        }
        return Tensor.ofFloats(out, boxes.shape());
    }
}
