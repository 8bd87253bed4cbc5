package org.rcnn4j.detection;

import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Conv2dNormActivation;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.Sequential;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's RPNHead: conv = Sequential(Conv2dNormActivation(C, C, 3, no norm)) shared across levels (keys
 * conv.0.0.*), cls_logits 1x1 C to A, bbox_pred 1x1 C to 4A; every conv N(0, 0.01²) with bias 0. Loading accepts
 * the pre-version-2 keys conv.weight / conv.bias.
 */
public final class RpnHead extends Block implements ProposalHead {
    private final int inChannels;
    private final int numAnchors;

    public RpnHead(int inChannels, int numAnchors) {
        if (inChannels < 1 || numAnchors < 1) {
            throw new IllegalArgumentException("RPNHead: in_channels and num_anchors must be >= 1, got " + inChannels
                    + ", " + numAnchors);
        }
        this.inChannels = inChannels;
        this.numAnchors = numAnchors;
        addBlock("conv", new Sequential(Conv2dNormActivation.plain(inChannels, inChannels, 3, true)));
        addBlock("cls_logits", new Conv2d(inChannels, numAnchors, 1, 1, 0, true));
        addBlock("bbox_pred", new Conv2d(inChannels, numAnchors * 4, 1, 1, 0, true));
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.normal(0.01));
                c.bias().init(Init.zeros());
            }
        });
    }

    /**
     * One feature level [N, C, H, W]: objectness logits [N, A, H, W] and box deltas [N, 4A, H, W] (conv 3x3 + ReLU,
     * then the two 1x1 convs).
     */
    @Override
    public Var[] forward(Var feature) {
        Var t = ((Layer) children().get("conv")).forward(feature);
        Var[] out = {((Layer) children().get("cls_logits")).forward(t),
                ((Layer) children().get("bbox_pred")).forward(t)};
        t.drop(); // in inference the shared conv's map goes once both predictions exist
        return out;
    }

    @Override
    public int anchorsPerLocation() {
        return numAnchors;
    }

    @Override
    public int inChannels() {
        return inChannels;
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        LegacyKeys.upgradeRpnHead(prefix, stateDict);
    }

    @Override
    public String typeName() {
        return "RPNHead";
    }
}
