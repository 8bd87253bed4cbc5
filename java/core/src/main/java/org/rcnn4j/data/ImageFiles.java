package org.rcnn4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.rcnn4j.tensor.Tensor;

/** Reads PNG/JPEG files (anything ImageIO reads) as F32 [3, H, W] RGB in [0, 1]. */
public final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * Grey images are replicated to three channels with their stored values (as PIL's convert("RGB") does, not
     * through Java's linear-grey colour conversion); alpha is dropped.
     *
     * @throws IOException naming the file when it is missing or no reader decodes it
     */
    public static Tensor read(Path file) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // decoding never needs a display
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": unreadable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": unreadable image (not a format this Java runtime decodes)");
        }
        return toTensor(img);
    }

    public static Tensor toTensor(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = h * w;
        float[] out = new float[3 * plane];
        ColorModel cm = img.getColorModel();
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster r = img.getRaster();
            float max = (float) ((1L << cm.getComponentSize(0)) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = r.getSample(x, y, 0) / max;
                    int p = y * w + x;
                    out[p] = v;
                    out[plane + p] = v;
                    out[2 * plane + p] = v;
                }
            }
        } else {
            int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int p = 0; p < plane; p++) {
                int c = rgb[p];
                out[p] = ((c >> 16) & 0xff) / 255f;
                out[plane + p] = ((c >> 8) & 0xff) / 255f;
                out[2 * plane + p] = (c & 0xff) / 255f;
            }
        }
        return Tensor.ofFloats(out, 3, h, w);
    }
}
