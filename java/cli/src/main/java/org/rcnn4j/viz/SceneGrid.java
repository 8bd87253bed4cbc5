package org.rcnn4j.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.rcnn4j.data.Sample;

/** A grid of samples with their ground truth drawn (boxes, class names, masks): a look at a dataset. */
public final class SceneGrid {
    private static final int GAP = 4;

    private SceneGrid() {
    }

    public static BufferedImage render(List<Sample> samples, List<String> classNames, int columns, int scale) {
        Headless.ensure();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to draw");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        int cols = Math.min(columns, samples.size());
        int rows = (samples.size() + cols - 1) / cols;
        int cw = 0;
        int ch = 0;
        for (Sample s : samples) {
            cw = Math.max(cw, s.width() * scale);
            ch = Math.max(ch, s.height() * scale);
        }
        BufferedImage grid = new BufferedImage(GAP + cols * (cw + GAP), GAP + rows * (ch + GAP),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                BufferedImage cell = DetectionPainter.draw(Images.toImage(s.image()), s.boxes(), s.labels(), null,
                        s.masks(), classNames, scale);
                g.drawImage(cell, GAP + (i % cols) * (cw + GAP), GAP + (i / cols) * (ch + GAP), null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }
}
