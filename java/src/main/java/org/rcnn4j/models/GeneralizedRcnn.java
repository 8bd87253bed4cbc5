package org.rcnn4j.models;

import java.util.List;
import org.rcnn4j.nn.Module;

/**
 * Faster R-CNN / Mask R-CNN with a ResNet-50-FPN backbone, laid out as torchvision's GeneralizedRCNN: transform,
 * backbone, rpn, roi_heads, so {@link #stateDict()} has torchvision's keys, shapes and order. Structure only:
 * the detection forward pass is later work.
 */
public final class GeneralizedRcnn extends Module {
    private static final List<String> BOX_LEVELS = List.of("0", "1", "2", "3");

    private final boolean masks;
    private final int numClasses;
    private final RcnnConfig config;
    private final BackboneWithFpn backbone;
    private final RegionProposalNetwork rpn;
    private final RoiHeads roiHeads;

    GeneralizedRcnn(boolean masks, int numClasses, Norm norm, int trainableBackboneLayers) {
        this.masks = masks;
        this.numClasses = numClasses;
        this.config = RcnnConfig.torchvisionDefaults();
        addModule("transform", new GeneralizedRcnnTransform(config));
        backbone = addModule("backbone", new BackboneWithFpn(norm, trainableBackboneLayers));
        int c = BackboneWithFpn.OUT_CHANNELS;
        AnchorGenerator anchors = AnchorGenerator.fpnDefault();
        rpn = addModule("rpn", new RegionProposalNetwork(anchors, new RpnHead(c, anchors.anchorsPerLocation())));
        int resolution = 7;
        int representation = 1024;
        roiHeads = addModule("roi_heads", new RoiHeads(
                new MultiScaleRoIAlign(BOX_LEVELS, resolution, 2),
                new TwoMlpHead(c * resolution * resolution, representation),
                new FastRcnnPredictor(representation, numClasses),
                masks ? new MultiScaleRoIAlign(BOX_LEVELS, 14, 2) : null,
                masks ? new MaskRcnnHeads(c, new int[] {256, 256, 256, 256}) : null,
                masks ? new MaskRcnnPredictor(256, 256, numClasses) : null));
    }

    public boolean hasMasks() {
        return masks;
    }

    public int numClasses() {
        return numClasses;
    }

    public RcnnConfig config() {
        return config;
    }

    public BackboneWithFpn backbone() {
        return backbone;
    }

    public RegionProposalNetwork rpn() {
        return rpn;
    }

    public RoiHeads roiHeads() {
        return roiHeads;
    }

    @Override
    public String typeName() {
        return masks ? "MaskRCNN" : "FasterRCNN";
    }
}
