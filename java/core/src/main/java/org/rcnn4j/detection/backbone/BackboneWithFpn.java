package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;

/** torchvision's BackboneWithFPN: body (the ResNet trunk) and fpn; 256 output channels on every level. */
public final class BackboneWithFpn extends Block implements Backbone {
    public static final int OUT_CHANNELS = 256;

    private final ResNetBody body;
    private final FeaturePyramidNetwork fpn;

    public BackboneWithFpn(Norm norm, int trainableLayers) {
        body = addBlock("body", new ResNetBody(norm, trainableLayers));
        fpn = addBlock("fpn", new FeaturePyramidNetwork(ResNetBody.OUT_CHANNELS, OUT_CHANNELS));
    }

    public ResNetBody body() {
        return body;
    }

    public FeaturePyramidNetwork fpn() {
        return fpn;
    }

    /** Feature maps "0".."3" and "pool" (strides 4..64), 256 channels each. */
    @Override
    public LinkedHashMap<String, Var> forward(Var images) {
        LinkedHashMap<String, Var> body = this.body.forward(images);
        // in inference the trunk's maps go as the pyramid is built (Var.drop); in training the graph keeps them
        return fpn.forward(body, true);
    }

    @Override
    public int outChannels() {
        return OUT_CHANNELS;
    }

    @Override
    public List<String> featureNames() {
        return List.of("0", "1", "2", "3", "pool");
    }

    @Override
    public String typeName() {
        return "BackboneWithFPN";
    }
}
