package org.rcnn4j.train;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A training progress display: step/total, a bar, ETA and each loss averaged over the last {@link #WINDOW} steps.
 * On a terminal it redraws one line in place (carriage return); otherwise (a log, a CI console) it prints a line
 * about every 5% of the run and at the end.
 */
public final class ProgressBar {
    /** How the bar is shown. */
    public enum Mode {
        /** REDRAW when the JVM has a console (System.console(): stdin and stdout are a terminal), else LINES. */
        AUTO,
        REDRAW,
        LINES,
        OFF
    }

    static final int WINDOW = 20;
    private static final int BAR = 20;

    private final PrintStream out;
    private final long total;
    private final boolean redraw;
    private final boolean off;
    private final long lineEvery;
    private final long startDone;
    private final long startNanos = System.nanoTime();
    private final Map<String, ArrayDeque<Double>> recent = new LinkedHashMap<>();
    private long nextLine;
    private int lastWidth;

    /**
     * @param startDone steps already done when the bar starts (a resumed run), for the ETA
     */
    public ProgressBar(PrintStream out, long total, long startDone, Mode mode) {
        this.out = out;
        this.total = total;
        this.startDone = startDone;
        Mode m = mode == Mode.AUTO ? (System.console() != null ? Mode.REDRAW : Mode.LINES) : mode;
        this.redraw = m == Mode.REDRAW;
        this.off = m == Mode.OFF;
        this.lineEvery = Math.max(1, total / 20);
        this.nextLine = (startDone / lineEvery + 1) * lineEvery;
    }

    /** Records step {@code done} (1-based count of steps done) and its losses, and shows the bar if due. */
    public void update(long done, Map<String, Double> losses) {
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            ArrayDeque<Double> q = recent.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
            q.addLast(e.getValue());
            if (q.size() > WINDOW) {
                q.removeFirst();
            }
        }
        if (off) {
            return;
        }
        if (redraw) {
            String line = line(done);
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
            if (done >= total) {
                out.println();
            }
            out.flush();
        } else if (done >= nextLine || done >= total) {
            out.println(line(done));
            out.flush();
            nextLine = (done / lineEvery + 1) * lineEvery;
        }
    }

    /** The text shown for {@code done} steps done. */
    String line(long done) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        long ran = done - startDone;
        double eta = ran > 0 ? elapsed / ran * (total - done) : Double.NaN;
        int filled = total > 0 ? (int) Math.min(BAR, done * BAR / total) : BAR;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "step %d/%d [%s%s] %s eta %s", done, total, "#".repeat(filled),
                ".".repeat(BAR - filled), time(elapsed), time(eta)));
        for (Map.Entry<String, ArrayDeque<Double>> e : recent.entrySet()) {
            double s = 0;
            for (double v : e.getValue()) {
                s += v;
            }
            sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), s / e.getValue().size()));
        }
        return sb.toString();
    }

    static String time(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
