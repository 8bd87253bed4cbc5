package org.rcnn4j.models;

import org.rcnn4j.nn.Module;

/** torchvision's BackboneWithFPN: body (the ResNet trunk) and fpn; 256 output channels on every level. */
public final class BackboneWithFpn extends Module {
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

    @Override
    public String typeName() {
        return "BackboneWithFPN";
    }
}
