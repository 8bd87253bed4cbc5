package org.rcnn4j.recipes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.io.DirectoryLock;
import org.rcnn4j.nn.Block;
import org.rcnn4j.train.DetectorStep;
import org.rcnn4j.train.LrSchedule;
import org.rcnn4j.train.ProgressBar;
import org.rcnn4j.train.TrainStep;
import org.rcnn4j.train.Trainer;

/**
 * The training recipe shared by {@code rcnn4j demo} and {@code rcnn4j train}: SGD with momentum and weight decay,
 * torchvision's linear warm-up then step decay (x0.1 at 70% and 90% of the steps unless given), horizontal flips,
 * optional gradient clipping; a checkpoint (DIR/checkpoint.safetensors) every {@code checkpointEvery} steps and at
 * the end, a per-step log (DIR/train.log), a progress bar on stderr, the loss curves (DIR/training-curve.png), and
 * the trained model with its class names (DIR/model.safetensors, what {@code --weights} takes). A run holds
 * {@link DirectoryLock} on DIR: a second run into the same DIR refuses.
 */
public final class DetectorTraining {
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String LOG = "train.log";
    public static final String CURVE = "training-curve.png";
    public static final String MODEL = "model.safetensors";

    private DetectorTraining() {
    }

    /** The recipe's settings; {@code milestones} null means 70% and 90% of {@code steps}. */
    public record Settings(long steps, int batchSize, double lr, int warmupIters, int[] milestones, double momentum,
            double weightDecay, double clipNorm, double flipProbability, long seed, int checkpointEvery) {

        public Settings {
            if (steps < 1 || batchSize < 1 || !(lr > 0) || warmupIters < 0 || checkpointEvery < 0) {
                throw new IllegalArgumentException("steps, batch size and lr must be positive, warm-up and checkpoint "
                        + "interval >= 0; got " + steps + ", " + batchSize + ", " + lr + ", " + warmupIters + ", "
                        + checkpointEvery);
            }
        }

        public LrSchedule schedule() {
            int[] m = milestones != null ? milestones
                    : new int[] {(int) Math.round(steps * 0.7), (int) Math.round(steps * 0.9)};
            if (milestones == null && m[0] == m[1]) {
                m = new int[] {m[0]}; // steps = 1: both round to 1, a milestone the run never reaches
            }
            return LrSchedule.torchvision(lr, (int) Math.min(warmupIters, steps), m);
        }
    }

    /**
     * Trains {@code model} (bound to its backend, in training mode) on {@code data}, writing into {@code dir};
     * continues from {@code resume} (a checkpoint of the same model and schedule) when not null.
     */
    public static Trainer.History run(GeneralizedRcnn model, String modelName, List<String> classNames,
            Dataset data, Settings s, Path dir, Path resume, PrintStream progress) throws IOException {
        return run(model, modelName, classNames, data, s, dir, resume, null, progress);
    }

    /**
     * As {@link #run(GeneralizedRcnn, String, List, Dataset, Settings, Path, Path, PrintStream)}, each step also
     * adding the losses of {@code extra} (when not null; named apart from the detector's) to the detector's.
     */
    public static Trainer.History run(GeneralizedRcnn model, String modelName, List<String> classNames,
            Dataset data, Settings s, Path dir, Path resume, TrainStep extra, PrintStream progress)
            throws IOException {
        if (classNames.size() + 1 != model.numClasses()) {
            throw new IllegalArgumentException("the model has " + (model.numClasses() - 1) + " classes, the data "
                    + classNames.size());
        }
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            return runLocked(model, modelName, classNames, data, s, dir, resume, extra, progress);
        }
    }

    private static Trainer.History runLocked(GeneralizedRcnn model, String modelName, List<String> classNames,
            Dataset data, Settings s, Path dir, Path resume, TrainStep extra, PrintStream progress) throws IOException {
        model.train(true);
        Trainer.Options options = Trainer.Options.of(modelName, s.steps(), s.schedule())
                .withSgd(s.momentum(), s.weightDecay())
                .withClipNorm(s.clipNorm())
                .withCheckpoint(dir.resolve(CHECKPOINT), s.checkpointEvery())
                .withLog(dir.resolve(LOG))
                .withSeed(s.seed())
                .withProgress(ProgressBar.Mode.AUTO);
        Trainer trainer = new Trainer(model.trainableVars(), options).withState(untrainedState(model))
                .withSetting("batch_size", Integer.toString(s.batchSize()))
                .withSetting("flip_probability", Double.toString(s.flipProbability()))
                .withSetting("dataset_size", Integer.toString(data.size()))
                .progressTo(progress);
        Trainer.History history;
        try (DetectorStep step = new DetectorStep(model, data, s.batchSize(), s.seed(), s.flipProbability())) {
            TrainStep all = extra == null ? step : (n, rng) -> {
                Map<String, Var> losses = new LinkedHashMap<>(step.losses(n, rng));
                extra.losses(n, rng).forEach((name, loss) -> {
                    if (losses.putIfAbsent(name, loss) != null) {
                        throw new IllegalArgumentException("the extra loss '" + name + "' has a detector loss's name");
                    }
                });
                return losses;
            };
            history = resume == null ? trainer.train(all) : trainer.resume(resume, all);
        }
        ModelFile.write(dir.resolve(MODEL), modelName, model, classNames);
        if (!history.losses().isEmpty()) {
            TrainingCurve.write(dir.resolve(CURVE), modelName + " training", history);
        }
        return history;
    }

    /**
     * The model's bound state that the optimizer does not train (buffers such as BatchNorm's running statistics,
     * frozen parameters), by state_dict name: what a checkpoint must hold besides the trained parameters.
     */
    public static LinkedHashMap<String, Var> untrainedState(Block model) {
        Map<String, Var> trained = model.trainableVars();
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        model.stateEntries().forEach((k, e) -> {
            if (!trained.containsKey(k)) {
                out.put(k, e.var());
            }
        });
        return out;
    }
}
