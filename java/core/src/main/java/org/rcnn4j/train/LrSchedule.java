package org.rcnn4j.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The learning rate of torchvision's detection reference as a function of the step: a linear warm-up (torch's
 * LinearLR: the factor goes from {@code warmupFactor} to 1 over {@code warmupIters} steps, reaching 1 at step
 * {@code warmupIters}) times a step decay (torch's MultiStepLR: {@code gamma} once for every milestone
 * {@code <= step}), both counted in optimizer steps from 0. The two factors multiply, as chained torch schedulers
 * do, so a milestone inside the warm-up applies at once.
 *
 * @param baseLr       the learning rate after warm-up and before any milestone
 * @param warmupFactor the factor at step 0, in (0, 1]
 * @param warmupIters  warm-up length in steps; 0 for none
 * @param milestones   steps at which the rate is multiplied by gamma, increasing
 * @param gamma        decay factor, > 0
 */
public record LrSchedule(double baseLr, double warmupFactor, int warmupIters, int[] milestones, double gamma) {
    public LrSchedule {
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("lr must be finite and >= 0, got " + baseLr);
        }
        if (!(warmupFactor > 0 && warmupFactor <= 1)) {
            throw new IllegalArgumentException("warmup_factor must be in (0, 1], got " + warmupFactor);
        }
        if (warmupIters < 0) {
            throw new IllegalArgumentException("warmup_iters must be >= 0, got " + warmupIters);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
        }
        milestones = milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("milestones must be increasing and >= 0, got "
                        + Arrays.toString(milestones));
            }
        }
    }

    /** A constant rate. */
    public static LrSchedule constant(double lr) {
        return new LrSchedule(lr, 1, 0, new int[0], 1);
    }

    /** torchvision's defaults: warm-up factor 1/1000 over min(1000, steps per epoch - 1) steps, gamma 0.1. */
    public static LrSchedule torchvision(double lr, int warmupIters, int... milestones) {
        return new LrSchedule(lr, 1.0 / 1000, warmupIters, milestones, 0.1);
    }

    @Override
    public int[] milestones() {
        return milestones.clone();
    }

    /** The learning rate of step {@code step} (0-based). */
    public double lr(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        double f = 1;
        if (step < warmupIters) {
            f = warmupFactor + (1 - warmupFactor) * step / warmupIters;
        }
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= step) {
            passed++;
        }
        return baseLr * f * Math.pow(gamma, passed);
    }

    /** A stable text form (for checkpoint metadata and messages). */
    public String describe() {
        return String.format(Locale.ROOT, "lr=%s warmup_factor=%s warmup_iters=%d milestones=%s gamma=%s",
                Double.toString(baseLr), Double.toString(warmupFactor), warmupIters, Arrays.toString(milestones),
                Double.toString(gamma));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LrSchedule s && describe().equals(s.describe());
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return "LrSchedule(" + describe() + ")";
    }
}
