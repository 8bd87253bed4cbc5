package org.rcnn4j.viz;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

/**
 * Places detection tags so that none covers another: a detector often returns several boxes on one item (one per
 * class that scored), and tags drawn at each box's corner would be stacked on top of each other, unreadable. Each
 * tag goes at its preferred place (above the box, else inside it) when that is free, else at the nearest free
 * place in steps of one tag height, down then up; where none is free within the picture it keeps its preferred
 * place.
 */
final class TagLayout {
    private final int width;
    private final int height;
    private final List<Rectangle> placed = new ArrayList<>();

    TagLayout(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /** Reserves and returns the rectangle for a tag of tw x th whose box has its top-left corner at (x1, y1). */
    Rectangle place(double x1, double y1, int tw, int th) {
        int x = (int) Math.max(0, Math.min(x1, width - tw));
        int preferred = (int) (y1 - th >= 0 ? y1 - th : Math.max(0, y1));
        preferred = Math.min(preferred, Math.max(0, height - th));
        Rectangle chosen = new Rectangle(x, preferred, tw, th);
        int steps = height / Math.max(1, th) + 1;
        search:
        for (int k = 0; k <= steps; k++) {
            for (int sign : k == 0 ? new int[] {1} : new int[] {1, -1}) {
                int y = preferred + sign * k * th;
                if (y < 0 || y + th > height) {
                    continue;
                }
                Rectangle r = new Rectangle(x, y, tw, th);
                if (free(r)) {
                    chosen = r;
                    break search;
                }
            }
        }
        placed.add(chosen);
        return chosen;
    }

    private boolean free(Rectangle r) {
        for (Rectangle p : placed) {
            if (p.intersects(r)) {
                return false;
            }
        }
        return true;
    }
}
