package org.rcnn4j.detection;

/**
 * Builder options. {@code numClasses} 0 means the model's default (91 for the COCO detectors, background
 * included; 1000 for vgg16); {@code trainableBackboneLayers} -1 means the norm's default (3 frozen, 5 batch).
 */
public record ModelOptions(int numClasses, Norm norm, int trainableBackboneLayers) {

    public ModelOptions {
        if (numClasses < 0) {
            throw new IllegalArgumentException("num_classes must be positive, got " + numClasses);
        }
        if (norm == null) {
            throw new IllegalArgumentException("norm must be given");
        }
        if (trainableBackboneLayers < -1 || trainableBackboneLayers > 5) {
            throw new IllegalArgumentException("trainable_backbone_layers must be in [0, 5], got "
                    + trainableBackboneLayers);
        }
    }

    /** 91 classes, FrozenBatchNorm2d, 3 trainable backbone layers: the layout pretrained weights load into. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, Norm.FROZEN, -1);
    }

    public ModelOptions withNumClasses(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("num_classes must be at least 1, got " + n);
        }
        return new ModelOptions(n, norm, trainableBackboneLayers);
    }

    public ModelOptions withNorm(Norm n) {
        return new ModelOptions(numClasses, n, trainableBackboneLayers);
    }

    public ModelOptions withTrainableBackboneLayers(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("trainable_backbone_layers must be in [0, 5], got " + n);
        }
        return new ModelOptions(numClasses, norm, n);
    }

    int numClassesOr(int dflt) {
        return numClasses == 0 ? dflt : numClasses;
    }

    /** The resolved number of trainable backbone layers. */
    public int trainableBackboneLayers() {
        return trainableBackboneLayers < 0 ? norm.defaultTrainableLayers() : trainableBackboneLayers;
    }

    /** The raw value (-1 for the default). */
    public int trainableBackboneLayersSetting() {
        return trainableBackboneLayers;
    }
}
