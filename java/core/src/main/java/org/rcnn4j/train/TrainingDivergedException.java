package org.rcnn4j.train;

/** A loss became NaN or infinite: training stopped before that step's update and wrote no checkpoint for it. */
public final class TrainingDivergedException extends RuntimeException {
    private final String loss;
    private final long step;
    private final double value;

    public TrainingDivergedException(String loss, long step, double value, String detail) {
        super("training diverged: loss '" + loss + "' is " + value + " at step " + (step + 1) + " (index " + step
                + "); the update was not applied" + (detail == null || detail.isEmpty() ? "" : "; " + detail));
        this.loss = loss;
        this.step = step;
        this.value = value;
    }

    /** The loss's name. */
    public String loss() {
        return loss;
    }

    /** The 0-based index of the step whose loss diverged (the log's step number minus 1). */
    public long step() {
        return step;
    }

    public double value() {
        return value;
    }
}
