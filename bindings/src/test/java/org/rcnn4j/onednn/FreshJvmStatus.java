package org.rcnn4j.onednn;

/** Run in a child JVM by {@link OneDnnMissingTest}: prints what opening oneDNN gave, on one line. */
public final class FreshJvmStatus {
    private FreshJvmStatus() {
    }

    public static void main(String[] args) {
        System.out.println("STATUS " + OneDnn.status().describe());
    }
}
