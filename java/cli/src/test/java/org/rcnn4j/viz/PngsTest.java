package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.tensor.Tensor;

class PngsTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngThatReadsBackExactly() throws IOException {
        float[] v = new float[3 * 4 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 101) / 100f;
        }
        BufferedImage img = Images.toImage(Tensor.ofFloats(v, 3, 4, 5));
        Path f = dir.resolve("sub/a.png");
        Pngs.write(f, img);
        BufferedImage back = ImageIO.read(f.toFile());
        assertEquals(5, back.getWidth());
        assertEquals(4, back.getHeight());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(img.getRGB(x, y), back.getRGB(x, y), "(" + y + ", " + x + ")");
                assertEquals(Math.round(v[4 * 5 + y * 5 + x] * 255), (back.getRGB(x, y) >> 8) & 0xff, "green");
            }
        }
    }

    /** An image whose pixels cannot be read: the PNG encoder fails part-way. */
    private static final class Broken extends BufferedImage {
        Broken() {
            super(8, 8, BufferedImage.TYPE_INT_RGB);
        }

        @Override
        public Raster getData() {
            throw new IllegalStateException("unreadable");
        }

        @Override
        public Raster getData(Rectangle r) {
            throw new IllegalStateException("unreadable");
        }

        @Override
        public WritableRaster getRaster() {
            throw new IllegalStateException("unreadable");
        }

        @Override
        public Raster getTile(int x, int y) {
            throw new IllegalStateException("unreadable");
        }

        @Override
        public WritableRaster getWritableTile(int x, int y) {
            throw new IllegalStateException("unreadable");
        }

        @Override
        public int getRGB(int x, int y) {
            throw new IllegalStateException("unreadable");
        }
    }

    @Test
    void aFailedWriteLeavesTheOldPictureAndNoTemporary() throws IOException {
        Path f = dir.resolve("keep.png");
        Files.writeString(f, "old");
        assertThrows(RuntimeException.class, () -> Pngs.write(f, new Broken()));
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }
}
