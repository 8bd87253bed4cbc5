package org.rcnn4j.train;

import java.util.Map;
import org.rcnn4j.autograd.Var;

/** One training step's forward pass, supplied by the model's trainer. */
@FunctionalInterface
public interface TrainStep {
    /**
     * The named scalar losses of step {@code step} (0-based), in a fixed order (e.g. torchvision's loss_classifier,
     * loss_box_reg, loss_objectness, loss_rpn_box_reg). Runs inside a Scope the trainer opens and closes: create
     * the batch and every intermediate Var here and keep nothing. Draw all randomness from {@code rng} so that a
     * resumed run repeats the uninterrupted one.
     */
    Map<String, Var> losses(long step, TrainRng rng);
}
