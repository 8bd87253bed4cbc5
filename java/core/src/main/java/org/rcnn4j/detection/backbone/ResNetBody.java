package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.ConvNormRelu;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.MaxPool2d;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;

/**
 * The ResNet-50 trunk as torchvision's detection backbone keeps it (IntermediateLayerGetter up to layer4: conv1,
 * bn1, relu, maxpool, layer1..layer4; no avgpool or fc). Conv weights kaiming-normal (fan_out, relu); norm layers
 * weight 1, bias 0. Returns layer1..layer4 as feature maps "0".."3" (strides 4..32).
 */
public final class ResNetBody extends Block {
    public static final int[] RESNET50_LAYERS = {3, 4, 6, 3};
    /** Channels of layer1..layer4 outputs, the FPN's inputs. */
    public static final int[] OUT_CHANNELS = {256, 512, 1024, 2048};

    private static final String[] TRAINABLE_ORDER = {"layer4", "layer3", "layer2", "layer1", "conv1"};

    public ResNetBody(Norm norm, int trainableLayers) {
        addBlock("conv1", new Conv2d(3, 64, 7, 2, 3, false));
        addBlock("bn1", norm.create(64));
        addBlock("relu", new ReLU());
        addBlock("maxpool", new MaxPool2d(3, 2, 1));
        int inplanes = 64;
        for (int i = 0; i < 4; i++) {
            int planes = 64 << i;
            Sequential layer = new Sequential();
            for (int b = 0; b < RESNET50_LAYERS[i]; b++) {
                layer.add(new Bottleneck(inplanes, planes, b == 0 && i > 0 ? 2 : 1, norm));
                inplanes = planes * Bottleneck.EXPANSION;
            }
            addBlock("layer" + (i + 1), layer);
        }
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.kaimingNormalFanOutRelu());
            }
        });
        freeze(trainableLayers);
    }

    /** layer1..layer4's outputs as "0".."3" for an image batch [N,3,H,W]. */
    public LinkedHashMap<String, Var> forward(Var images) {
        Var stem = ConvNormRelu.forward((Conv2d) get("conv1"), get("bn1"), true, images);
        Var x = ((Layer) get("maxpool")).forward(stem);
        stem.drop(); // in inference the stem's maps go as soon as the next exists
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            Var y = ((Layer) get("layer" + i)).forward(x);
            if (i == 1) {
                x.drop(); // the max-pooled stem; layer outputs are returned
            }
            x = y;
            out.put(Integer.toString(i - 1), x);
        }
        return out;
    }

    /** torchvision's _resnet_fpn_extractor: only the last {@code trainable} of layer4..layer1, conv1 (+bn1 at 5) learn. */
    private void freeze(int trainable) {
        if (trainable < 0 || trainable > 5) {
            throw new IllegalArgumentException("trainable_backbone_layers must be in [0, 5], got " + trainable);
        }
        java.util.List<String> train = new java.util.ArrayList<>(java.util.Arrays.asList(TRAINABLE_ORDER)
                .subList(0, trainable));
        if (trainable == 5) {
            train.add("bn1");
        }
        namedParameters().forEach((name, p) -> {
            if (train.stream().noneMatch(name::startsWith)) {
                p.requiresGrad(false);
            }
        });
    }
}
