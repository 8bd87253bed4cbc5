package org.rcnn4j.coco;

import java.io.PrintStream;
import java.util.Locale;

/** "eval: 40/100 images, 0.25 s/image, ETA 0:15" lines, at most one a second (and the last), or none. */
public final class EvalProgress {
    private static final long INTERVAL_NS = 1_000_000_000L;

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint = Long.MIN_VALUE;

    public EvalProgress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    public void update(int done) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && lastPrint != Long.MIN_VALUE && now - lastPrint < INTERVAL_NS) {
            return;
        }
        lastPrint = now;
        out.println(line(done, total, (now - start) / 1e9));
        out.flush();
    }

    static String line(int done, int total, double elapsedSeconds) {
        double per = done == 0 ? 0 : elapsedSeconds / done;
        String s = String.format(Locale.ROOT, "eval: %d/%d images, %.3f s/image", done, total, per);
        if (done < total && done > 0) {
            s += ", ETA " + clock(per * (total - done));
        } else if (done == total) {
            s += ", took " + clock(elapsedSeconds);
        }
        return s;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
