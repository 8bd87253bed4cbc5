package org.rcnn4j.detector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.Weights;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.FrozenBatchNorm2d;

/**
 * A detector network read from a weight file, with its architecture's name and its class list (without the
 * background): what {@link Detector#load} and the {@code detect} and {@code eval} commands build on.
 *
 * @param network    the network, weights loaded, bound to no backend
 * @param pyTorch    whether the weights came from a PyTorch file: then, as in torchvision, a label is the
 *                   dataset's category id (COCO's for the COCO models) rather than a position in the class list
 */
public record DetectorWeights(GeneralizedRcnn network, String modelName, List<String> classNames, boolean pyTorch) {
    /** The torchvision architectures whose published weights run with FrozenBatchNorm2d eps 0. */
    private static final List<String> TORCHVISION_COCO_MODELS = List.of(Models.FASTERRCNN_RESNET50_FPN,
            Models.MASKRCNN_RESNET50_FPN);

    /**
     * Reads {@code weights}: an rcnn4j model file (which names its model and classes; {@code model} may be null or
     * must agree) or a PyTorch/safetensors state dict of the detector {@code model} names.
     *
     * @param classNames the class list without the background; null: the model file's, or COCO's 90 for a state dict
     * @throws IllegalArgumentException no {@code model} for a file that does not name one, an unknown model, a
     *                                  class list that does not fit, weights that do not fit (every mismatch listed)
     */
    public static DetectorWeights read(Path weights, String model, List<String> classNames) throws IOException {
        if (weights == null) {
            throw new IllegalArgumentException("weights: must not be null");
        }
        Weights.Format format = Weights.format(weights);
        if (format == Weights.Format.SAFETENSORS && ModelFile.isModelFile(weights)) {
            ModelFile file = ModelFile.read(weights);
            if (model != null && !model.equals(file.model())) {
                throw new IllegalArgumentException("model: " + weights + " holds a " + file.model() + ", not a "
                        + model);
            }
            List<String> names = classNames != null ? classNames : file.classNames();
            if (names.size() != file.classNames().size()) {
                throw new IllegalArgumentException("classNames: " + weights + " has " + file.classNames().size()
                        + " classes, got " + names.size() + " names");
            }
            return new DetectorWeights(file.build(), file.model(), List.copyOf(names), false);
        }
        if (model == null) {
            throw new IllegalArgumentException("model: " + weights + " is a " + format + " file, which does not name "
                    + "its model: name it (one of " + String.join(", ", detectorNames()) + ")");
        }
        List<String> names = classNames != null ? classNames : CocoClasses.names();
        if (!detectorNames().contains(model)) {
            throw new IllegalArgumentException("model: '" + model + "' is not a detector; expected one of "
                    + String.join(", ", detectorNames()));
        }
        Block m = Models.create(model, ModelOptions.defaults().withNumClasses(names.size() + 1));
        GeneralizedRcnn network = (GeneralizedRcnn) m;
        Weights.load(network, Weights.read(weights));
        if (TORCHVISION_COCO_MODELS.contains(model)) {
            // torchvision's builders set FrozenBatchNorm2d's eps to 0 when they load the published COCO weights
            // (overwrite_eps(model, 0.0)); the file does not record it, and 1e-5 moves scores by ~1e-3
            FrozenBatchNorm2d.overwriteEps(network, 0f);
        }
        return new DetectorWeights(network, model, List.copyOf(names), format != Weights.Format.SAFETENSORS);
    }

    /** The detectors {@link #read} builds by name. */
    public static List<String> detectorNames() {
        return List.of(Models.FASTERRCNN_RESNET50_FPN, Models.MASKRCNN_RESNET50_FPN, Models.FASTERRCNN_SMALL,
                Models.MASKRCNN_SMALL);
    }
}
