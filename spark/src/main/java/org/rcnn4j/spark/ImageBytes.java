package org.rcnn4j.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.tensor.Tensor;

/** An image's bytes from a path (any file system Hadoop reads: file, hdfs, s3a, ...) and their decoding. */
final class ImageBytes {
    /** binaryFile's own limit: a Java array. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private ImageBytes() {
    }

    static byte[] read(String path, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(conf);
        long length = fs.getFileStatus(p).getLen();
        if (length > MAX_BYTES) {
            throw new IOException("the file has " + length + " bytes, more than an image may (" + MAX_BYTES + ")");
        }
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    /**
     * As {@link ImageFiles#read} decodes a file: F32 [3, H, W], RGB in [0, 1].
     *
     * @throws IOException saying why no image came out (the caller adds which one)
     */
    static Tensor decode(byte[] bytes) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // decoding never needs a display
        }
        if (bytes == null || bytes.length == 0) {
            throw new IOException("unreadable image (no bytes)");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException("unreadable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException("unreadable image (not a format this Java runtime decodes)");
        }
        if (img.getWidth() < 1 || img.getHeight() < 1) {
            throw new IOException("unreadable image (" + img.getWidth() + "x" + img.getHeight() + " pixels)");
        }
        return ImageFiles.toTensor(img);
    }
}
