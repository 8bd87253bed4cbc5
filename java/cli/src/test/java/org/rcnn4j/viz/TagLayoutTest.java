package org.rcnn4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagLayoutTest {
    @Test
    void aLoneTagSitsAboveItsBoxOrInsideAtTheTop() {
        TagLayout layout = new TagLayout(200, 100);
        assertEquals(new Rectangle(30, 28, 50, 12), layout.place(30, 40, 50, 12), "above the box");
        assertEquals(new Rectangle(150, 5, 50, 12), new TagLayout(200, 100).place(170, 5, 50, 12),
                "no room above: inside; no room right: pulled left");
    }

    @Test
    void tagsOfBoxesOnOneItemDoNotCoverEachOther() {
        TagLayout layout = new TagLayout(120, 120);
        List<Rectangle> tags = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tags.add(layout.place(40 + i, 50 + i, 40, 12)); // near-identical boxes: one item, several classes
        }
        for (int i = 0; i < tags.size(); i++) {
            Rectangle r = tags.get(i);
            assertTrue(r.y >= 0 && r.y + r.height <= 120 && r.x >= 0 && r.x + r.width <= 120, "inside: " + r);
            for (int j = 0; j < i; j++) {
                assertFalse(r.intersects(tags.get(j)), "tag " + i + " " + r + " covers tag " + j + " " + tags.get(j));
            }
        }
        assertEquals(38, tags.get(0).y, "the first keeps its place above the box");
    }

    @Test
    void whenNothingIsFreeATagKeepsItsPreferredPlace() {
        TagLayout layout = new TagLayout(50, 12);
        Rectangle first = layout.place(0, 0, 50, 12);
        assertEquals(first, layout.place(0, 0, 50, 12));
    }
}
