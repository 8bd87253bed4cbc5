package org.rcnn4j.detection.backbone;

import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.ConvNormRelu;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;
import org.rcnn4j.nn.functional.TensorMath;

/**
 * torchvision.models.resnet.Bottleneck (v1.5: the stride on the 3x3 conv): conv1 1x1, bn1, conv2 3x3, bn2,
 * conv3 1x1 (x4 channels), bn3, relu, and a downsample (1x1 conv with the stride, norm) when the shape changes.
 */
public final class Bottleneck extends Block implements Layer {
    public static final int EXPANSION = 4;

    public Bottleneck(int inplanes, int planes, int stride, Norm norm) {
        addBlock("conv1", new Conv2d(inplanes, planes, 1, 1, 0, false));
        addBlock("bn1", norm.create(planes));
        addBlock("conv2", new Conv2d(planes, planes, 3, stride, 1, false));
        addBlock("bn2", norm.create(planes));
        addBlock("conv3", new Conv2d(planes, planes * EXPANSION, 1, 1, 0, false));
        addBlock("bn3", norm.create(planes * EXPANSION));
        addBlock("relu", new ReLU());
        if (stride != 1 || inplanes != planes * EXPANSION) {
            addBlock("downsample", new Sequential(new Conv2d(inplanes, planes * EXPANSION, 1, stride, 0, false),
                    norm.create(planes * EXPANSION)));
        }
    }

    /** conv{i}, bn{i} and, when asked, a ReLU, as one ConvNormRelu step (fused at inference). */
    private Var stage(int i, boolean relu, Var x) {
        return ConvNormRelu.forward((Conv2d) get("conv" + i), get("bn" + i), relu, x);
    }

    /** {@code f(x)}, x dropped (in inference, its memory goes now: see {@link Var#drop}). */
    private static Var then(Var x, Var fx) {
        x.drop();
        return fx;
    }

    /**
     * relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))) + downsample(x)). In inference every intermediate
     * is dropped after its last use, so that a block holds at most its input, the residual branch, the identity
     * and their sum at once.
     */
    @Override
    public Var forward(Var x) {
        Var y = stage(1, true, x);
        y = then(y, stage(2, true, y));
        y = then(y, stage(3, false, y));
        Var identity = children().containsKey("downsample") ? ((Layer) get("downsample")).forward(x) : x;
        Var sum = TensorMath.add(y, identity);
        y.drop();
        if (identity != x) {
            identity.drop();
        }
        return then(sum, TensorMath.relu(sum));
    }
}
