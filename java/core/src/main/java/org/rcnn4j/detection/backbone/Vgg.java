package org.rcnn4j.detection.backbone;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.AdaptiveAvgPool2d;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Dropout;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.Linear;
import org.rcnn4j.nn.MaxPool2d;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * torchvision.models.vgg16 (configuration D, no batch norm): features (3x3 convs + ReLU, a 2x2 max pool after
 * each block), avgpool (7x7), classifier (Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear). torchvision's
 * init: conv kaiming-normal (fan_out, relu) with bias 0, Linear N(0, 0.01²) with bias 0.
 */
public final class Vgg extends Block {
    /** Configuration D: output channels of each conv, 0 for a max pool. */
    public static final int[] CONFIG_D = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private final Sequential features;
    private final Sequential classifier;

    public Vgg(int[] config, int numClasses, double dropout) {
        features = new Sequential();
        int in = 3;
        for (int c : config) {
            if (c == 0) {
                features.add(new MaxPool2d(2, 2, 0));
            } else {
                features.add(new Conv2d(in, c, 3, 1, 1, true));
                features.add(new ReLU());
                in = c;
            }
        }
        addBlock("features", features);
        addBlock("avgpool", new AdaptiveAvgPool2d(7, 7));
        classifier = new Sequential(new Linear(512 * 7 * 7, 4096), new ReLU(), new Dropout(dropout),
                new Linear(4096, 4096), new ReLU(), new Dropout(dropout), new Linear(4096, numClasses));
        addBlock("classifier", classifier);
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d conv) {
                conv.weight().init(Init.kaimingNormalFanOutRelu());
                conv.bias().init(Init.zeros());
            } else if (m instanceof Linear lin) {
                lin.weight().init(Init.normal(0.01));
                lin.bias().init(Init.zeros());
            }
        });
    }

    /** features, avgpool, flatten, classifier: logits [N, num_classes] for images [N, 3, H, W]. */
    public Var forward(Var images) {
        Var x = ((Layer) get("avgpool")).forward(features.forward(images));
        return classifier.forward(TensorMath.flatten(x, 1));
    }

    public Sequential features() {
        return features;
    }

    public Sequential classifier() {
        return classifier;
    }

    @Override
    public String typeName() {
        return "VGG";
    }
}
