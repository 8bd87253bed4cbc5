package org.rcnn4j.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A plain line plot (training curves): axes with "nice" ticks, one line per series in its palette colour, and a
 * legend. Non-finite points are skipped (the line breaks there).
 */
public final class LinePlot {
    /** One line: y[i] against x[i]. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': x has " + x.length + " points, y has "
                        + y.length);
            }
        }
    }

    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 50;

    private LinePlot() {
    }

    public static void write(Path target, String title, String xLabel, String yLabel, List<Series> series, int width,
            int height) throws IOException {
        Pngs.write(target, render(title, xLabel, yLabel, series, width, height));
    }

    public static BufferedImage render(String title, String xLabel, String yLabel, List<Series> series, int width,
            int height) {
        Headless.ensure();
        if (width < LEFT + RIGHT + 40 || height < TOP + BOTTOM + 40) {
            throw new IllegalArgumentException("plot size " + width + "x" + height + " is too small");
        }
        double[] xr = range(series, true);
        double[] yr = range(series, false);
        double[] xt = ticks(xr[0], xr[1]);
        double[] yt = ticks(yr[0], yr[1]);
        double x0 = xt[0];
        double x1 = xt[xt.length - 1];
        double y0 = yt[0];
        double y1 = yt[yt.length - 1];
        int pw = width - LEFT - RIGHT;
        int ph = height - TOP - BOTTOM;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (double t : xt) {
                int px = LEFT + (int) Math.round((t - x0) / (x1 - x0) * pw);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(px, TOP, px, TOP + ph);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, TOP + ph, px, TOP + ph + 4);
                String s = label(t);
                g.drawString(s, px - fm.stringWidth(s) / 2, TOP + ph + 6 + fm.getAscent());
            }
            for (double t : yt) {
                int py = TOP + ph - (int) Math.round((t - y0) / (y1 - y0) * ph);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(LEFT - 4, py, LEFT, py);
                String s = label(t);
                g.drawString(s, LEFT - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, height - 12);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 16);
            gy.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, LEFT + pw / 2 - g.getFontMetrics().stringWidth(title) / 2, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));

            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int s = 0; s < series.size(); s++) {
                Series se = series.get(s);
                g.setColor(Palette.color(s).darker());
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                for (int i = 0; i < se.x().length; i++) {
                    double x = se.x()[i];
                    double y = se.y()[i];
                    if (!Double.isFinite(x) || !Double.isFinite(y)) {
                        pen = false;
                        continue;
                    }
                    double px = LEFT + (x - x0) / (x1 - x0) * pw;
                    double py = TOP + ph - (y - y0) / (y1 - y0) * ph;
                    if (pen) {
                        path.lineTo(px, py);
                    } else {
                        path.moveTo(px, py);
                        pen = true;
                    }
                }
                g.draw(path);
            }
            legend(g, series, LEFT + pw, TOP);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void legend(Graphics2D g, List<Series> series, int right, int top) {
        if (series.isEmpty()) {
            return;
        }
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, fm.stringWidth(s.name()));
        }
        int line = fm.getHeight();
        int bw = w + 38;
        int bh = line * series.size() + 8;
        int x = right - bw - 8;
        int y = top + 8;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, bw, bh);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.GRAY);
        g.drawRect(x, y, bw, bh);
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.size(); s++) {
            int ly = y + 4 + s * line + line / 2;
            g.setColor(Palette.color(s).darker());
            g.drawLine(x + 6, ly, x + 26, ly);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s).name(), x + 32, ly + fm.getAscent() / 2 - 1);
        }
    }

    /** Finite min and max over all series (a unit range around a single value; [0, 1] when there is no point). */
    private static double[] range(List<Series> series, boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = xAxis ? s.x() : s.y();
            for (double d : v) {
                if (Double.isFinite(d)) {
                    lo = Math.min(lo, d);
                    hi = Math.max(hi, d);
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            double pad = Math.max(Math.abs(lo) * 0.1, 0.5);
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }

    /** 4..10 ticks at 1, 2 or 5 times a power of ten, covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double first = Math.floor(lo / step) * step;
        double last = Math.ceil(hi / step) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e5 ? String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+$", "")
                : String.format(Locale.ROOT, "%.2e", v);
    }
}
