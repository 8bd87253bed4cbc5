package org.rcnn4j.viz;

import java.awt.Color;

/** Distinct colours for instances: hues stepped by the golden ratio, so neighbours in the sequence differ most. */
public final class Palette {
    private static final double GOLDEN = 0.6180339887498949;

    private Palette() {
    }

    public static Color color(int i) {
        double hue = (0.13 + i * GOLDEN) % 1.0;
        return Color.getHSBColor((float) hue, 0.85f, 1.0f);
    }
}
