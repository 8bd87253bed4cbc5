package org.rcnn4j.recipes;

import org.rcnn4j.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rcnn4j.viz.LinePlot;

/**
 * The loss curves of a run as a PNG: each named loss and their sum against the step, smoothed with a trailing
 * moving average (a window of 2% of the run, at least 1) so the trend shows through the per-batch noise.
 */
public final class TrainingCurve {
    private TrainingCurve() {
    }

    public static void write(Path png, String title, Trainer.History h) throws IOException {
        List<Map<String, Double>> steps = h.losses();
        int n = steps.size();
        int window = Math.max(1, n / 50);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = h.firstStep() + i + 1;
        }
        List<LinePlot.Series> series = new ArrayList<>();
        double[] total = new double[n];
        for (String name : steps.get(0).keySet()) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = steps.get(i).getOrDefault(name, Double.NaN);
                total[i] += y[i];
            }
            series.add(new LinePlot.Series(name, x, smooth(y, window)));
        }
        series.add(0, new LinePlot.Series("total", x, smooth(total, window)));
        LinePlot.write(png, title, "step", "loss (moving average of " + window + ")", series, 900, 540);
    }

    static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }
}
