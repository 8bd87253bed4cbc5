package org.rcnn4j.detection.backbone;

import org.rcnn4j.detection.Norm;
import java.util.LinkedHashMap;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.Module;

/** torchvision's BackboneWithFPN: body (the ResNet trunk) and fpn; 256 output channels on every level. */
public final class BackboneWithFpn extends Module implements Backbone {
    public static final int OUT_CHANNELS = 256;

    private final ResNetBody body;
    private final FeaturePyramidNetwork fpn;

    public BackboneWithFpn(Norm norm, int trainableLayers) {
        body = addModule("body", new ResNetBody(norm, trainableLayers));
        fpn = addModule("fpn", new FeaturePyramidNetwork(ResNetBody.OUT_CHANNELS, OUT_CHANNELS));
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
        return fpn.forward(body.forward(images));
    }

    @Override
    public int outChannels() {
        return OUT_CHANNELS;
    }

    @Override
    public String typeName() {
        return "BackboneWithFPN";
    }
}
