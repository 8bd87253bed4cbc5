package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinePlotTest {
    @TempDir
    Path dir;

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void drawsEverySeriesInItsColourAndWritesAPng() throws IOException {
        double[] x = new double[50];
        double[] loss = new double[50];
        double[] map = new double[50];
        for (int i = 0; i < 50; i++) {
            x[i] = i;
            loss[i] = 2.0 * Math.exp(-i / 10.0);
            map[i] = i == 20 ? Double.NaN : 0.6 * (1 - Math.exp(-i / 15.0));
        }
        List<LinePlot.Series> series = List.of(new LinePlot.Series("loss", x, loss), new LinePlot.Series("mAP", x, map));
        Path f = dir.resolve("curves.png");
        LinePlot.write(f, "training", "iteration", "value", series, 640, 400);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        for (int s = 0; s < 2; s++) {
            int c = Palette.color(s).darker().getRGB();
            assertTrue(count(img, c) > 100, "series " + s + " drawn: " + count(img, c) + " pixels");
        }
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}, LinePlot.ticks(0, 1), 1e-12);
        double[] t = LinePlot.ticks(3, 97);
        assertEquals(0, t[0]);
        assertEquals(100, t[t.length - 1]);
        assertEquals(20, t[1] - t[0], 1e-9);
    }

    @Test
    void rejectsMismatchedSeriesAndTinyPlots() {
        assertThrows(IllegalArgumentException.class, () -> new LinePlot.Series("a", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> LinePlot.render("t", "x", "y", List.of(), 50, 50));
        BufferedImage empty = LinePlot.render("t", "x", "y", List.of(), 300, 200);
        assertEquals(300, empty.getWidth());
    }
}
