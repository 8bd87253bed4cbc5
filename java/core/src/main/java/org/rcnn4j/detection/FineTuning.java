package org.rcnn4j.detection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.FrozenBatchNorm2d;
import org.rcnn4j.nn.StateDictCheck;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's fine-tuning recipe (the TorchVision object detection fine-tuning tutorial): a detector trained on
 * one dataset (COCO's {@code .pth}) gets new predictors for another's classes,
 *
 * <pre>{@code
 * model = torchvision.models.detection.maskrcnn_resnet50_fpn(weights="DEFAULT")
 * model.roi_heads.box_predictor = FastRCNNPredictor(1024, num_classes)
 * model.roi_heads.mask_predictor = MaskRCNNPredictor(256, 256, num_classes)
 * }</pre>
 *
 * in one call: {@code FineTuning.fromPretrained(Path.of("maskrcnn_resnet50_fpn_coco.pth"), "maskrcnn_resnet50_fpn",
 * 3)}. Every weight but the predictors' comes from the file (checked key by key, shape by shape); the predictors
 * are freshly initialized for {@code numClasses} (background included). Train the result with
 * {@link org.rcnn4j.train.Trainer}, save it with {@link ModelFile#write}.
 */
public final class FineTuning {
    /** The state_dict prefixes of the parts replaced for the new classes. */
    public static final List<String> REPLACED = List.of("roi_heads.box_predictor.", "roi_heads.mask_predictor.");

    private FineTuning() {
    }

    /** {@link #fromPretrained(Path, String, int, ModelOptions, long)} with the default options and seed 0. */
    public static GeneralizedRcnn fromPretrained(Path weights, String model, int numClasses) throws IOException {
        return fromPretrained(weights, model, numClasses, ModelOptions.defaults(), 0);
    }

    /**
     * The detector {@code model} (fasterrcnn_resnet50_fpn, maskrcnn_resnet50_fpn, fasterrcnn_small or
     * maskrcnn_small) with the weights of {@code weights} (a torchvision {@code .pth}, a safetensors state dict or an
     * rcnn4j model file, of any class count) and new box and mask predictors for {@code numClasses}. For the two
     * torchvision models, FrozenBatchNorm2d's eps becomes 0, as torchvision's builders set it for their published
     * weights.
     *
     * @param options the norm and trainable backbone layers (their class count is replaced by {@code numClasses})
     * @param seed    the new predictors' initialization
     * @throws IllegalArgumentException an unknown model, fewer than 2 classes, or a file whose other weights do not
     *                                  fit the model (every problem listed)
     */
    public static GeneralizedRcnn fromPretrained(Path weights, String model, int numClasses, ModelOptions options,
            long seed) throws IOException {
        List<String> detectors = List.of(Models.FASTERRCNN_RESNET50_FPN, Models.MASKRCNN_RESNET50_FPN,
                Models.FASTERRCNN_SMALL, Models.MASKRCNN_SMALL);
        if (!detectors.contains(model)) {
            throw new IllegalArgumentException("model: '" + model + "' is not a detector; expected one of "
                    + String.join(", ", detectors));
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2 (the background and at least one class), got "
                    + numClasses);
        }
        GeneralizedRcnn detector = (GeneralizedRcnn) Models.create(model, options.withNumClasses(numClasses));
        Weights.WeightFile file = Weights.read(weights);
        LinkedHashMap<String, Tensor> sd = LegacyKeys.upgrade(file.stateDict());
        sd.keySet().removeIf(FineTuning::replaced);
        StateDictCheck check = detector.checkStateDict(sd);
        List<String> problems = new ArrayList<>(check.problems());
        problems.removeIf(p -> p.startsWith("missing ") && replaced(p.substring("missing ".length())));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(weights + " does not fit " + model + " (its predictors aside):\n"
                    + String.join("\n", problems));
        }
        detector.loadStateDict(check.adapted(), false);
        ((Block) detector.roiHeads().boxPredictor()).initialize(seed);
        if (detector.hasMasks()) {
            ((Block) detector.roiHeads().maskPredictor()).initialize(seed);
        }
        if (Models.hasBackboneNorm(model)) {
            FrozenBatchNorm2d.overwriteEps(detector, 0f);
        }
        return detector;
    }

    private static boolean replaced(String key) {
        return REPLACED.stream().anyMatch(key::startsWith);
    }
}
