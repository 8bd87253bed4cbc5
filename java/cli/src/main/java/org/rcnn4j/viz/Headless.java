package org.rcnn4j.viz;

/** Drawing never needs a display: ask AWT for headless mode before it starts, unless the user chose otherwise. */
public final class Headless {
    private Headless() {
    }

    public static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
