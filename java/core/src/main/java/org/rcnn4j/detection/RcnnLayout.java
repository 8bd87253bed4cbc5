package org.rcnn4j.detection;

import java.util.List;

/**
 * The architecture of a two-stage detector around its backbone: the maps the RPN reads ({@code rpnLevels}; null:
 * every map the backbone returns, as torchvision) and their anchors (one size tuple per map), the maps the RoI poolers
 * read, the box head's pooled resolution and width, and for Mask R-CNN
 * the mask head's resolution, conv widths and deconvolution width. The torchvision layouts are
 * {@link #resnet50Fpn}; the small ones train on a CPU in minutes.
 */
public record RcnnLayout(boolean masks, int numClasses, RcnnConfig config, AnchorGenerator anchors,
        List<String> rpnLevels, List<String> roiLevels, int boxResolution, int representationSize, int maskResolution,
        int[] maskLayers, int maskDimReduced) {

    public RcnnLayout {
        if (numClasses < 2) {
            throw new IllegalArgumentException("num_classes must be >= 2 (background + at least one class), got "
                    + numClasses);
        }
        rpnLevels = rpnLevels == null ? null : List.copyOf(rpnLevels);
        roiLevels = List.copyOf(roiLevels);
        maskLayers = maskLayers.clone();
    }

    /** torchvision's fasterrcnn/maskrcnn_resnet50_fpn: 7x7 box pooling, 1024-wide MLP, four 256 mask convs. */
    public static RcnnLayout resnet50Fpn(boolean masks, int numClasses) {
        return new RcnnLayout(masks, numClasses, RcnnConfig.torchvisionDefaults(), AnchorGenerator.fpnDefault(),
                null, List.of("0", "1", "2", "3"), 7, 1024, 14, new int[] {256, 256, 256, 256}, 256);
    }
}
