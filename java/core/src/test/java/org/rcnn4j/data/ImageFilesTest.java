package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.tensor.Tensor;

class ImageFilesTest {
    @TempDir
    Path dir;

    @Test
    void sixteenBitGreyKeepsItsStoredValue() throws IOException {
        BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(2, 1, 0, 13107); // 0.2 of 65535
        Path f = dir.resolve("g16.png");
        ImageIO.write(g, "png", f.toFile());
        Tensor t = ImageFiles.read(f);
        assertArrayEquals(new int[] {3, 2, 3}, t.shape());
        for (int c = 0; c < 3; c++) {
            assertEquals(0.2f, t.floats()[c * 6 + 5], 1e-6f);
            assertEquals(0f, t.floats()[c * 6]);
        }
    }

    @Test
    void rgbChannelsArePlanes() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 0, 0xFF_80_00);
        Path f = dir.resolve("c.png");
        ImageIO.write(img, "png", f.toFile());
        assertArrayEquals(new float[] {0, 1, 0, 128 / 255f, 0, 0}, ImageFiles.read(f).floats());
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nope.png");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("nope.png") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void aFileNoReaderDecodesIsNamed() throws IOException {
        Path f = Files.writeString(dir.resolve("text.jpg"), "hello");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("text.jpg") && e.getMessage().contains("unreadable image"),
                e.getMessage());
    }
}
