package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.detection.backbone.BackboneWithFpn;
import org.rcnn4j.detection.backbone.SmallBackbone;
import org.rcnn4j.detection.backbone.Vgg;

/** The model builders by torchvision's names. */
public final class Models {
    public static final String FASTERRCNN_RESNET50_FPN = "fasterrcnn_resnet50_fpn";
    public static final String MASKRCNN_RESNET50_FPN = "maskrcnn_resnet50_fpn";
    public static final String VGG16 = "vgg16";
    public static final String FASTERRCNN_SMALL = "fasterrcnn_small";
    public static final String MASKRCNN_SMALL = "maskrcnn_small";

    /** COCO's 80 classes, the "N/A" gaps of the original 90 ids and the background. */
    public static final int COCO_NUM_CLASSES = 91;
    public static final int IMAGENET_NUM_CLASSES = 1000;
    /** Fashion-MNIST's 10 classes and the background. */
    public static final int SMALL_NUM_CLASSES = 11;

    private Models() {
    }

    public static List<String> names() {
        return List.of(FASTERRCNN_RESNET50_FPN, MASKRCNN_RESNET50_FPN, VGG16, FASTERRCNN_SMALL, MASKRCNN_SMALL);
    }

    /** Whether the model has a backbone norm layer to choose ({@link ModelOptions#norm()}). */
    public static boolean hasBackboneNorm(String name) {
        return FASTERRCNN_RESNET50_FPN.equals(name) || MASKRCNN_RESNET50_FPN.equals(name);
    }

    /**
     * Builds the model {@code name} without allocating its values (call {@code initialize(seed)} or load a state
     * dict before using them).
     *
     * @throws IllegalArgumentException an unknown name
     */
    public static org.rcnn4j.nn.Block create(String name, ModelOptions options) {
        return switch (name) {
            case FASTERRCNN_RESNET50_FPN -> fasterrcnnResnet50Fpn(options);
            case MASKRCNN_RESNET50_FPN -> maskrcnnResnet50Fpn(options);
            case VGG16 -> vgg16(options);
            case FASTERRCNN_SMALL -> fasterrcnnSmall(options);
            case MASKRCNN_SMALL -> maskrcnnSmall(options);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; models: "
                    + String.join(", ", names()));
        };
    }

    /** torchvision's fasterrcnn_resnet50_fpn: {@link FasterRcnn#builder} with every default on the ResNet-50 FPN. */
    public static GeneralizedRcnn fasterrcnnResnet50Fpn(ModelOptions o) {
        return FasterRcnn.builder(new BackboneWithFpn(o.norm(), o.trainableBackboneLayers()))
                .numClasses(o.numClassesOr(COCO_NUM_CLASSES)).build();
    }

    /** torchvision's maskrcnn_resnet50_fpn: {@link MaskRcnn#builder} with every default on the ResNet-50 FPN. */
    public static GeneralizedRcnn maskrcnnResnet50Fpn(ModelOptions o) {
        return MaskRcnn.builder(new BackboneWithFpn(o.norm(), o.trainableBackboneLayers()))
                .numClasses(o.numClassesOr(COCO_NUM_CLASSES)).build();
    }

    /** Faster R-CNN on {@link SmallBackbone} for small images (Fashion-MNIST scenes: 10 classes + background). */
    public static GeneralizedRcnn fasterrcnnSmall(ModelOptions o) {
        return SmallLayouts.configure(FasterRcnn.builder(SmallLayouts.backbone()), o.numClassesOr(SMALL_NUM_CLASSES))
                .build();
    }

    /** Mask R-CNN on {@link SmallBackbone}: what {@code ./rcnn4j demo} trains. */
    public static GeneralizedRcnn maskrcnnSmall(ModelOptions o) {
        int n = o.numClassesOr(SMALL_NUM_CLASSES);
        return SmallLayouts.configureMasks(SmallLayouts.configure(MaskRcnn.builder(SmallLayouts.backbone()), n), n)
                .build();
    }

    /** VGG-16 (the norm options do not apply). */
    public static Vgg vgg16(ModelOptions o) {
        return new Vgg(Vgg.CONFIG_D, o.numClassesOr(IMAGENET_NUM_CLASSES), 0.5);
    }
}
