package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.MaxPool2d;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;

/**
 * VGG-16's convolutional part up to conv5_3 and its ReLU (torchvision's vgg16().features[:30], without the last max
 * pool): one 512-channel map "0" at stride 16, the feature map of the R-CNN papers' VGG16 detectors. Keys are
 * torchvision's (features.0.weight ... features.28.bias), so ImageNet vgg16 weights load under this module.
 */
public final class VggBackbone extends Block implements Backbone {
    public static final int STRIDE = 16;
    public static final int OUT_CHANNELS = 512;

    private final Sequential features = new Sequential();

    public VggBackbone() {
        int in = 3;
        int[] config = Vgg.CONFIG_D;
        for (int i = 0; i < config.length - 1; i++) { // the last entry is pool5, which the detectors drop
            int c = config[i];
            if (c == 0) {
                features.add(new MaxPool2d(2, 2, 0));
            } else {
                Conv2d conv = new Conv2d(in, c, 3, 1, 1, true);
                conv.weight().init(Init.kaimingNormalFanOutRelu());
                conv.bias().init(Init.zeros());
                features.add(conv);
                features.add(new ReLU());
                in = c;
            }
        }
        addBlock("features", features);
    }

    @Override
    public LinkedHashMap<String, Var> forward(Var images) {
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        out.put("0", features.forward(images));
        return out;
    }

    @Override
    public int outChannels() {
        return OUT_CHANNELS;
    }

    @Override
    public String typeName() {
        return "VGG16Backbone";
    }
}
