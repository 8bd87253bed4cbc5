package org.rcnn4j.viz;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * Draws detections (or ground truth) on an image: a translucent mask per instance, the box outline, and a tag
 * with the class name and score. Instance i gets {@link Palette#color(int) Palette.color(i)} everywhere.
 */
public final class DetectionPainter {
    private static final float MASK_ALPHA = 0.45f;

    private DetectionPainter() {
    }

    /**
     * Returns a new picture: the image enlarged {@code scale} times (nearest neighbour, so pixels stay visible)
     * with the detections drawn on it.
     *
     * @param boxes      F32 [n, 4] (x1, y1, x2, y2) in the image's pixel coordinates
     * @param labels     I64 [n] class ids, 1-based; null for no tags
     * @param scores     F32 [n] or null (ground truth: no score shown)
     * @param masks      U8 [n, H, W] (nonzero = inside) or F32 [n, H, W] (>= 0.5 = inside), or null
     * @param classNames name of class id c at index c - 1; ids outside the list show as "#c"
     */
    public static BufferedImage draw(BufferedImage image, Tensor boxes, Tensor labels, Tensor scores, Tensor masks,
            List<String> classNames, int scale) {
        int n = checkArgs(boxes, labels, scores, scale);
        int w = image.getWidth();
        int h = image.getHeight();
        if (masks != null) {
            int[] s = masks.shape();
            if (s.length != 3 || s[0] != n || s[1] != h || s[2] != w
                    || (masks.dtype() != DType.U8 && masks.dtype() != DType.F32)) {
                throw new IllegalArgumentException("masks must be U8 or F32 [" + n + ", " + h + ", " + w + "], got "
                        + masks.dtype() + " " + java.util.Arrays.toString(s));
            }
        }
        return draw(image, boxes, labels, scores, masks == null ? null : out -> paintMasks(out, masks, n, h, w, scale),
                classNames, scale);
    }

    /**
     * {@link #draw(BufferedImage, Tensor, Tensor, Tensor, Tensor, List, int)} with instance i's mask kept at its
     * window, {@code crops.get(i)} (U8 nonzero = inside, or F32 &gt;= 0.5): the same picture as the full-size masks
     * would give, each mask painted only over its window.
     */
    public static BufferedImage drawCrops(BufferedImage image, Tensor boxes, Tensor labels, Tensor scores,
            List<MaskCrop> crops, List<String> classNames, int scale) {
        int n = checkArgs(boxes, labels, scores, scale);
        int w = image.getWidth();
        int h = image.getHeight();
        if (crops != null) {
            if (crops.size() != n) {
                throw new IllegalArgumentException("crops: expected one per box (" + n + "), got " + crops.size());
            }
            for (MaskCrop c : crops) {
                if (c.imageHeight() != h || c.imageWidth() != w) {
                    throw new IllegalArgumentException("crops: a crop of a " + c.imageWidth() + "x" + c.imageHeight()
                            + " image on a " + w + "x" + h + " image");
                }
            }
        }
        return draw(image, boxes, labels, scores, crops == null ? null : out -> paintCrops(out, crops, scale),
                classNames, scale);
    }

    /** Paints the masks of a picture being drawn. */
    private interface MaskPainter {
        void paint(BufferedImage out);
    }

    /** The picture, with the masks {@code masks} paints (none when null) under the outlines and tags. */
    private static BufferedImage draw(BufferedImage image, Tensor boxes, Tensor labels, Tensor scores,
            MaskPainter masks, List<String> classNames, int scale) {
        int n = boxes.size(0);
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, 0, 0, w * scale, h * scale, null);
            if (masks != null) {
                masks.paint(out);
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, 5 + 3 * scale)));
            float[] b = boxes.floats();
            for (int i = 0; i < n; i++) {
                double x1 = b[4 * i] * scale;
                double y1 = b[4 * i + 1] * scale;
                g.setColor(Palette.color(i));
                g.setStroke(new BasicStroke(Math.max(1.5f, scale)));
                g.draw(new Rectangle2D.Double(x1, y1, Math.max(0, b[4 * i + 2] * scale - x1),
                        Math.max(0, b[4 * i + 3] * scale - y1)));
            }
            // tags after every outline, so no outline crosses a tag; laid out so no tag covers another
            TagLayout layout = new TagLayout(out.getWidth(), out.getHeight());
            for (int i = 0; i < n; i++) {
                String tag = tag(labels, scores, classNames, i);
                if (!tag.isEmpty()) {
                    drawTag(g, tag, Palette.color(i), layout, b[4 * i] * scale, b[4 * i + 1] * scale);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The checks every picture's arguments pass; returns the number of instances. */
    private static int checkArgs(Tensor boxes, Tensor labels, Tensor scores, int scale) {
        Headless.ensure();
        int n = checkBoxes(boxes);
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        }
        checkPerBox("labels", labels, DType.I64, n);
        checkPerBox("scores", scores, DType.F32, n);
        return n;
    }

    private static int checkBoxes(Tensor boxes) {
        int[] s = boxes.shape();
        if (boxes.dtype() != DType.F32 || s.length != 2 || s[1] != 4) {
            throw new IllegalArgumentException("boxes must be F32 [n, 4], got " + boxes.dtype() + " "
                    + java.util.Arrays.toString(s));
        }
        return s[0];
    }

    private static void checkPerBox(String name, Tensor t, DType dtype, int n) {
        if (t != null && (t.dtype() != dtype || t.shape().length != 1 || t.shape()[0] != n)) {
            throw new IllegalArgumentException(name + " must be " + dtype + " [" + n + "], got " + t.dtype() + " "
                    + java.util.Arrays.toString(t.shape()));
        }
    }

    /** Blends each instance's colour into its mask pixels; later instances are painted over earlier ones. */
    private static void paintMasks(BufferedImage out, Tensor masks, int n, int h, int w, int scale) {
        int plane = h * w;
        byte[] mb = masks.dtype() == DType.U8 ? masks.bytes() : null;
        float[] mf = masks.dtype() == DType.F32 ? masks.floats() : null;
        for (int i = 0; i < n; i++) {
            int rgb = Palette.color(i).getRGB();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = i * plane + y * w + x;
                    boolean in = mb != null ? mb[p] != 0 : mf[p] >= 0.5f;
                    if (!in) {
                        continue;
                    }
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            int ox = x * scale + dx;
                            int oy = y * scale + dy;
                            out.setRGB(ox, oy, blend(out.getRGB(ox, oy), rgb, MASK_ALPHA));
                        }
                    }
                }
            }
        }
    }

    /** {@link #paintMasks} for masks kept at their windows: the same pixels blended in the same order. */
    private static void paintCrops(BufferedImage out, List<MaskCrop> crops, int scale) {
        for (int i = 0; i < crops.size(); i++) {
            MaskCrop c = crops.get(i);
            int rgb = Palette.color(i).getRGB();
            int cols = c.width();
            byte[] mb = c.binary() ? c.values().bytes() : null;
            float[] mf = c.binary() ? null : c.values().floats();
            for (int y = 0; y < c.height(); y++) {
                for (int x = 0; x < cols; x++) {
                    int p = y * cols + x;
                    boolean in = mb != null ? mb[p] != 0 : mf[p] >= 0.5f;
                    if (!in) {
                        continue;
                    }
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            int ox = (c.x0() + x) * scale + dx;
                            int oy = (c.y0() + y) * scale + dy;
                            out.setRGB(ox, oy, blend(out.getRGB(ox, oy), rgb, MASK_ALPHA));
                        }
                    }
                }
            }
        }
    }

    private static int blend(int under, int over, float a) {
        int r = Math.round((1 - a) * ((under >> 16) & 0xff) + a * ((over >> 16) & 0xff));
        int g = Math.round((1 - a) * ((under >> 8) & 0xff) + a * ((over >> 8) & 0xff));
        int b = Math.round((1 - a) * (under & 0xff) + a * (over & 0xff));
        return (r << 16) | (g << 8) | b;
    }

    private static String tag(Tensor labels, Tensor scores, List<String> names, int i) {
        StringBuilder sb = new StringBuilder();
        if (labels != null) {
            long c = labels.longs()[i];
            sb.append(names != null && c >= 1 && c <= names.size() ? names.get((int) c - 1) : "#" + c);
        }
        if (scores != null) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", scores.floats()[i]));
        }
        return sb.toString();
    }

    /** A filled tag in the instance's colour where {@code layout} puts it (above the box when free). */
    private static void drawTag(Graphics2D g, String tag, Color c, TagLayout layout, double x1, double y1) {
        FontMetrics fm = g.getFontMetrics();
        Rectangle r = layout.place(x1, y1, fm.stringWidth(tag) + 4, fm.getAscent() + fm.getDescent());
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
        g.setColor(c);
        g.fillRect(r.x, r.y, r.width, r.height);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.BLACK);
        g.drawString(tag, r.x + 2, r.y + fm.getAscent());
    }
}
