package org.rcnn4j.detection;

import java.util.Map;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Conv2dNormActivation;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Sequential;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision's MaskRCNNHeads: a Sequential of Conv2dNormActivation 3x3 (no norm) + ReLU per layer (keys
 * i.0.weight); weights kaiming-normal (fan_out, relu), biases 0. Loading accepts the pre-version-2 keys
 * mask_fcn{i+1}.weight.
 */
public final class MaskRcnnHeads extends Sequential implements MaskHead {
    private final int inChannels;
    private final int outChannels;

    /** @param layers each conv's output channels (torchvision's default: 256, 256, 256, 256) */
    public MaskRcnnHeads(int inChannels, int[] layers) {
        if (inChannels < 1 || layers == null) {
            throw new IllegalArgumentException("MaskRCNNHeads: expected in_channels >= 1 and the layers' widths, got "
                    + inChannels + ", " + java.util.Arrays.toString(layers));
        }
        this.inChannels = inChannels;
        this.outChannels = layers.length == 0 ? inChannels : layers[layers.length - 1];
        int next = inChannels;
        for (int features : layers) {
            add(Conv2dNormActivation.plain(next, features, 3, true));
            next = features;
        }
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.kaimingNormalFanOutRelu());
                c.bias().init(Init.zeros());
            }
        });
    }

    @Override
    public int inChannels() {
        return inChannels;
    }

    @Override
    public int outChannels() {
        return outChannels;
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        LegacyKeys.upgradeMaskHead(prefix, size(), stateDict);
    }

    @Override
    public String typeName() {
        return "MaskRCNNHeads";
    }
}
