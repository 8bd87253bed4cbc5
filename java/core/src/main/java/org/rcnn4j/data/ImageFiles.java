package org.rcnn4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.rcnn4j.io.InputFiles;
import org.rcnn4j.tensor.Tensor;
import org.w3c.dom.Node;

/**
 * Reads PNG/JPEG files (anything ImageIO reads) as F32 [3, H, W] RGB in [0, 1].
 *
 * <p>Refuses what PIL refuses instead of decoding it silently wrong: a JPEG or PNG whose data ends early (ImageIO
 * warns and fills the missing part with grey), and a PNG chunk with a bad CRC (ImageIO does not check them). CMYK and YCCK JPEGs are converted to RGB as PIL's {@code convert("RGB")} does (ImageIO cannot).
 * Before decoding, the declared size is bounded: at most {@link #MAX_PIXELS} pixels, and at most
 * {@link #MAX_PIXELS_PER_BYTE} per byte of the file (no valid PNG or JPEG compresses further), so a tiny file
 * cannot make the decoder allocate gigabytes.
 */
public final class ImageFiles {
    /** The largest image read: 100 megapixels (its [3, H, W] float tensor is 1.2 GB). */
    public static final long MAX_PIXELS = 100_000_000L;
    /**
     * Pixels per byte of file a valid image can reach: deflate compresses at most ~1032:1 and a 1-bit PNG packs 8
     * pixels per byte; JPEG needs more than a bit per 8x8 block.
     */
    public static final long MAX_PIXELS_PER_BYTE = 8 * 1100;
    /** Larger files are refused before they are read (about 4x a 100 MP photo's JPEG). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private ImageFiles() {
    }

    /**
     * Grey images are replicated to three channels with their stored values (as PIL's convert("RGB") does, not
     * through Java's linear-grey colour conversion); alpha is dropped.
     *
     * @throws IOException naming the file when it is missing, not a regular file, too large, truncated or corrupt,
     *     or no reader decodes it
     */
    public static Tensor read(Path file) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // decoding never needs a display
        }
        InputFiles.requireRegular(file);
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": " + size + " bytes, more than the " + MAX_FILE_BYTES + " rcnn4j reads as "
                    + "an image");
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            if (Pngs.isPng(bytes)) {
                Pngs.checkChunks(bytes);
            }
            return decode(bytes);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // a decoder that trips over corrupt data: still the file's fault
            throw new IOException(file + ": unreadable image (" + e + ")", e);
        }
    }

    private static Tensor decode(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("unreadable image (not a format this Java runtime decodes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                checkSize(w, h, bytes.length);
                List<String> warnings = new ArrayList<>();
                // ends that come early are refused, as PIL refuses them ("image file is truncated"); other decoder
                // warnings (e.g. extraneous bytes before a marker) are not, as PIL decodes those files
                reader.addIIOReadWarningListener((source, warning) -> {
                    String w0 = warning.toLowerCase(java.util.Locale.ROOT);
                    if (w0.contains("truncated") || w0.contains("premature end")) {
                        warnings.add(warning);
                    }
                });
                Tensor t;
                String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                if (format.contains("jp") && reader.getRawImageType(0) == null) {
                    t = Cmyk.read(reader); // ImageIO names no image type for CMYK/YCCK: convert the raw samples
                } else {
                    t = toTensor(reader.read(0));
                }
                if (!warnings.isEmpty()) {
                    throw new IOException("truncated or corrupt image (" + String.join("; ", warnings) + ")");
                }
                return t;
            } catch (javax.imageio.IIOException e) {
                throw new IOException("unreadable image (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Refuses sizes no file of {@code fileBytes} bytes can hold, and those past {@link #MAX_PIXELS}. */
    static void checkSize(long w, long h, long fileBytes) throws IOException {
        if (w < 1 || h < 1) {
            throw new IOException("image of " + w + "x" + h + " pixels has no pixels");
        }
        long pixels = w * h;
        if (pixels > MAX_PIXELS) {
            throw new IOException("image of " + w + "x" + h + " pixels, more than the " + MAX_PIXELS + " rcnn4j reads");
        }
        if (pixels > MAX_PIXELS_PER_BYTE * fileBytes + (1 << 16)) {
            throw new IOException("image declares " + w + "x" + h + " pixels, more than a file of " + fileBytes
                    + " bytes can hold: corrupt");
        }
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

    /** CMYK and YCCK JPEGs, converted as libjpeg and PIL do. */
    static final class Cmyk {
        private Cmyk() {
        }

        static Tensor read(ImageReader reader) throws IOException {
            Raster r = reader.readRaster(0, null);
            if (r.getNumBands() != 4) {
                throw new IOException("unreadable image (a JPEG with " + r.getNumBands() + " components and no "
                        + "colour space ImageIO knows)");
            }
            int transform = adobeTransform(reader.getImageMetadata(0));
            int w = r.getWidth();
            int h = r.getHeight();
            int plane = w * h;
            float[] out = new float[3 * plane];
            int[] px = new int[4];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.getPixel(r.getMinX() + x, r.getMinY() + y, px);
                    int c0 = px[0];
                    int c1 = px[1];
                    int c2 = px[2];
                    if (transform == 2) { // YCCK: libjpeg turns Y, Cb, Cr into (inverted) C, M, Y
                        double yy = px[0];
                        double cb = px[1] - 128;
                        double cr = px[2] - 128;
                        c0 = 255 - clamp(yy + 1.402 * cr);
                        c1 = 255 - clamp(yy - 0.344136 * cb - 0.714136 * cr);
                        c2 = 255 - clamp(yy + 1.772 * cb);
                    }
                    int k = px[3];
                    // CMYK JPEGs store inverted values (Adobe's convention, which PIL assumes for all of them):
                    // c0 = 255 - C, k = 255 - K; PIL's conversion is R = (255-C)(255-K)/255
                    int p = y * w + x;
                    out[p] = mulDiv255(c0, k) / 255f;
                    out[plane + p] = mulDiv255(c1, k) / 255f;
                    out[2 * plane + p] = mulDiv255(c2, k) / 255f;
                }
            }
            return Tensor.ofFloats(out, 3, h, w);
        }

        /** PIL's MULDIV255: a*b/255 rounded. */
        private static int mulDiv255(int a, int b) {
            int t = a * b + 128;
            return ((t >> 8) + t) >> 8;
        }

        private static int clamp(double v) {
            long r = Math.round(v);
            return (int) Math.max(0, Math.min(255, r));
        }

        /** The Adobe APP14 marker's transform (0: CMYK, 2: YCCK), or -1 when there is none. */
        private static int adobeTransform(IIOMetadata meta) {
            if (meta == null) {
                return -1;
            }
            try {
                Node root = meta.getAsTree("javax_imageio_jpeg_image_1.0");
                Node adobe = find(root, "app14Adobe");
                if (adobe == null) {
                    return -1;
                }
                Node t = adobe.getAttributes().getNamedItem("transform");
                return t == null ? 0 : Integer.parseInt(t.getNodeValue());
            } catch (IllegalArgumentException e) {
                return -1;
            }
        }

        private static Node find(Node n, String name) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
            for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
                Node f = find(c, name);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
    }

    /** PNG structure checks ImageIO does not make. */
    static final class Pngs {
        private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

        private Pngs() {
        }

        static boolean isPng(byte[] b) {
            return b.length >= 8 && java.util.Arrays.equals(b, 0, 8, SIGNATURE, 0, 8);
        }

        /** Every chunk whole and its CRC right, IHDR first, IEND present. */
        static void checkChunks(byte[] b) throws IOException {
            int at = 8;
            boolean first = true;
            while (true) {
                if (at + 12 > b.length) {
                    throw new IOException("truncated PNG (a chunk header at byte " + at + " runs past the end)");
                }
                long len = readInt(b, at) & 0xffffffffL;
                if (len > b.length - at - 12L) {
                    throw new IOException("truncated PNG (a chunk of " + len + " bytes at byte " + at + " runs past "
                            + "the end)");
                }
                String type = new String(b, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (first && !type.equals("IHDR")) {
                    throw new IOException("corrupt PNG (first chunk is '" + type + "', not IHDR)");
                }
                first = false;
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(b, at + 4, 4 + (int) len);
                long stored = readInt(b, at + 8 + (int) len) & 0xffffffffL;
                if (crc.getValue() != stored) {
                    throw new IOException("corrupt PNG (bad CRC in chunk '" + type + "' at byte " + at + ")");
                }
                at += 12 + (int) len;
                if (type.equals("IEND")) {
                    return;
                }
            }
        }

        private static int readInt(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }
    }
}
