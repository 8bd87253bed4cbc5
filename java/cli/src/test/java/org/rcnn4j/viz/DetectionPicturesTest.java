package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskCrop;
import org.rcnn4j.tensor.Tensor;

class DetectionPicturesTest {
    @TempDir
    Path dir;

    private static final int H = 30;
    private static final int W = 40;

    /** A grey image; detection 0 (score 0.9) masks rows 20..24 of columns 5..14, detection 1 (score 0.2) all. */
    private static ImageDetections twoDetections() {
        float[] masks = new float[2 * H * W];
        for (int y = 20; y < 25; y++) {
            for (int x = 5; x < 15; x++) {
                masks[y * W + x] = 0.9f;
            }
        }
        java.util.Arrays.fill(masks, H * W, 2 * H * W, 0.99f);
        return new ImageDetections(Tensor.ofFloats(new float[] {2, 2, 20, 26, 0, 0, 40, 30}, 2, 4),
                Tensor.ofFloats(new float[] {0.9f, 0.2f}, 2), Tensor.ofLongs(new long[] {2, 1}, 2),
                Tensor.ofFloats(masks, 2, 1, H, W));
    }

    private static Tensor grey() {
        float[] px = new float[3 * H * W];
        java.util.Arrays.fill(px, 0.5f);
        return Tensor.ofFloats(px, 3, H, W);
    }

    @Test
    void drawsOnlyDetectionsAboveTheThreshold() throws IOException {
        Path png = dir.resolve("d.png");
        DetectionPictures.write(png, grey(), twoDetections(), List.of("cat", "dog"), 0.5f, 2);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * W, img.getWidth());
        assertEquals(2 * H, img.getHeight());
        int plain = 0x808080;
        assertNotEquals(plain, img.getRGB(2 * 10, 2 * 22) & 0xffffff, "inside the kept mask: tinted");
        assertEquals(plain, img.getRGB(2 * 30, 2 * 10) & 0xffffff,
                "outside it: the low-scoring detection's mask is not drawn");
        assertNotEquals(plain, img.getRGB(2 * 2, 2 * 14) & 0xffffff, "the kept box's left edge");
    }

    @Test
    void aThresholdOfZeroDrawsEverything() {
        BufferedImage img = DetectionPictures.draw(grey(), twoDetections(), List.of("cat", "dog"), 0f, 1);
        assertNotEquals(0x808080, img.getRGB(30, 10) & 0xffffff);
        BufferedImage none = DetectionPictures.draw(grey(), twoDetections(), List.of("cat", "dog"), 1f, 1);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals(0x808080, none.getRGB(x, y) & 0xffffff, "nothing scores 1: the image unchanged");
            }
        }
        BufferedImage boxesOnly = DetectionPictures.draw(grey(), new ImageDetections(twoDetections().boxes(),
                twoDetections().scores(), twoDetections().labels(), null), List.of("cat", "dog"), 0.5f, 1);
        assertEquals(0x808080, boxesOnly.getRGB(10, 22) & 0xffffff, "no masks: the inside is not tinted");
        assertTrue(boxesOnly.getWidth() == W);
    }

    /** Masks kept at windows (F32 or U8) draw the same picture as the full-size masks, at any scale. */
    @Test
    void cropsDrawTheSamePicture() {
        ImageDetections full = twoDetections();
        float[] f = full.masks().floats();
        int[][] windows = {{3, 18, 16, 26}, {0, 0, W, H}};
        for (boolean binary : new boolean[] {false, true}) {
            List<MaskCrop> crops = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int[] win = windows[i];
                int cols = win[2] - win[0];
                int rows = win[3] - win[1];
                float[] v = new float[rows * cols];
                byte[] b = new byte[rows * cols];
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        v[y * cols + x] = f[i * H * W + (win[1] + y) * W + win[0] + x];
                        b[y * cols + x] = v[y * cols + x] > 0.5f ? (byte) 1 : 0;
                    }
                }
                crops.add(new MaskCrop(H, W, win[0], win[1], win[2], win[3],
                        binary ? Tensor.ofBytes(b, rows, cols) : Tensor.ofFloats(v, rows, cols)));
            }
            ImageDetections cropped = new ImageDetections(full.boxes(), full.scores(), full.labels(), null, crops);
            for (int scale = 1; scale <= 2; scale++) {
                for (float threshold : new float[] {0f, 0.5f}) {
                    BufferedImage want = DetectionPictures.draw(grey(), full, List.of("cat", "dog"), threshold, scale);
                    BufferedImage got = DetectionPictures.draw(grey(), cropped, List.of("cat", "dog"), threshold,
                            scale);
                    int[] a = want.getRGB(0, 0, want.getWidth(), want.getHeight(), null, 0, want.getWidth());
                    int[] c = got.getRGB(0, 0, got.getWidth(), got.getHeight(), null, 0, got.getWidth());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(a, c,
                            "binary " + binary + " scale " + scale + " threshold " + threshold);
                }
            }
        }
    }
}
