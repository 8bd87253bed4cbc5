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
        assertTrue(e.getMessage().contains("nope.png") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void aFileNoReaderDecodesIsNamed() throws IOException {
        Path f = Files.writeString(dir.resolve("text.jpg"), "hello");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("text.jpg") && e.getMessage().contains("unreadable image"),
                e.getMessage());
    }

    // ---- issue 17, items 4, 6 and 9 ------------------------------------------------------------------------

    private static Path fixture(String name) throws Exception {
        return Path.of(ImageFilesTest.class.getResource("/fixtures/images/" + name).toURI());
    }

    /** A CMYK JPEG (Adobe marker, as Pillow writes it) decodes to Pillow's convert("RGB") up to IDCT rounding. */
    @Test
    void cmykJpegDecodesAsPillowDoes() throws Exception {
        assertDecodesAsPillow("cmyk.jpg", "cmyk_expected.png");
    }

    /** A YCCK JPEG (Adobe transform 2): libjpeg's YCC-to-CMY step, then CMYK as above. */
    @Test
    void ycckJpegDecodesAsPillowDoes() throws Exception {
        assertDecodesAsPillow("ycck.jpg", "ycck_expected.png");
    }

    private static void assertDecodesAsPillow(String jpeg, String pillowRgb) throws Exception {
        float[] got = ImageFiles.read(fixture(jpeg)).floats();
        float[] want = ImageFiles.read(fixture(pillowRgb)).floats();
        assertEquals(want.length, got.length);
        double sum = 0;
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs(got[i] - want[i]) * 255;
            sum += d;
            max = Math.max(max, d);
        }
        double mean = sum / got.length;
        assertTrue(mean < 1.5 && max <= 8, "mean " + mean + "/255, max " + max + "/255 from Pillow's decode");
    }

    @Test
    void aTruncatedJpegIsRefusedAsPillowRefusesIt() throws Exception {
        Path f = fixture("truncated.jpg");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated or corrupt"),
                e.getMessage());
    }

    @Test
    void aPngWithABadCrcIsRefused() throws Exception {
        Path f = fixture("badcrc.png");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("bad CRC in chunk 'IDAT'"),
                e.getMessage());
    }

    @Test
    void aTruncatedPngIsRefused() throws Exception {
        byte[] b = Files.readAllBytes(fixture("cmyk_expected.png"));
        Path f = dir.resolve("cut.png");
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 20));
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains("truncated PNG"), e.getMessage());
    }

    /** A tiny PNG declaring 60000 x 60000 pixels is refused before anything is allocated for them. */
    @Test
    void aDeclaredSizeNoFileCouldHoldIsRefused() throws Exception {
        byte[] b = Files.readAllBytes(fixture("cmyk_expected.png")).clone();
        java.nio.ByteBuffer.wrap(b).putInt(16, 60000).putInt(20, 60000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 12, 17);
        java.nio.ByteBuffer.wrap(b).putInt(29, (int) crc.getValue());
        Path f = dir.resolve("huge.png");
        Files.write(f, b);
        long bytes = org.rcnn4j.testing.Allocation.measure(() -> {
            IOException e = assertThrows(IOException.class, () -> ImageFiles.read(f));
            assertTrue(e.getMessage().contains("60000x60000") && e.getMessage().contains("more than"),
                    e.getMessage());
        });
        assertTrue(bytes < 32L << 20, "allocated " + bytes);
    }

    @Test
    void aDirectoryOrFifoIsNamedForWhatItIs() throws Exception {
        IOException d = assertThrows(IOException.class, () -> ImageFiles.read(dir));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
        Path fifo = dir.resolve("pipe.png");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(fifo));
        assertTrue(e.getMessage().contains("is a fifo"), e.getMessage());
    }
}
