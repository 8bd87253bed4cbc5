package org.rcnn4j.detection.backbone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.BlockList;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Conv2dNormActivation;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.functional.Functional;
import org.rcnn4j.nn.functional.TensorMath;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.FeaturePyramidNetwork with LastLevelMaxPool: inner_blocks[i] 1x1 and layer_blocks[i] 3x3
 * (each a Conv2dNormActivation without norm or activation, so keys inner_blocks.i.0.weight), conv weights
 * kaiming-uniform (a=1), biases 0. Loading accepts the pre-version-2 keys inner_blocks.i.weight.
 */
public final class FeaturePyramidNetwork extends Block {
    private final BlockList<Conv2dNormActivation> innerBlocks = new BlockList<>();
    private final BlockList<Conv2dNormActivation> layerBlocks = new BlockList<>();

    public FeaturePyramidNetwork(int[] inChannels, int outChannels) {
        for (int c : inChannels) {
            innerBlocks.add(Conv2dNormActivation.plain(c, outChannels, 1, false));
            layerBlocks.add(Conv2dNormActivation.plain(outChannels, outChannels, 3, false));
        }
        addBlock("inner_blocks", innerBlocks);
        addBlock("layer_blocks", layerBlocks);
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.kaimingUniform(1));
                c.bias().init(Init.zeros());
            }
        });
        addBlock("extra_blocks", new LastLevelMaxPool());
    }

    public int levels() {
        return innerBlocks.size();
    }

    /**
     * The pyramid of {@code features} (finest first, e.g. "0".."3"): P_last = layer(inner(C_last)); going up,
     * inner(C_i) + nearest-upsample(previous inner sum) feeds layer_blocks[i]; then "pool" = max_pool2d(P_last,
     * 1, 2). Keys: the input names, then "pool".
     */
    public LinkedHashMap<String, Var> forward(Map<String, Var> features) {
        return forward(features, false);
    }

    /**
     * {@link #forward(Map)}; with {@code dropInputs} (the caller owns the maps and is done with them) each input
     * map is dropped ({@link Var#drop}) as soon as its lateral exists, so that in inference the finest, largest
     * one is gone before the finest level's sum is made.
     */
    LinkedHashMap<String, Var> forward(Map<String, Var> features, boolean dropInputs) {
        if (features.size() != levels()) {
            throw new IllegalArgumentException("FPN: expected " + levels() + " feature maps, got " + features.size());
        }
        List<String> names = new ArrayList<>(features.keySet());
        List<Var> x = new ArrayList<>(features.values());
        Var[] results = new Var[levels()];
        int top = levels() - 1;
        Var lastInner = innerBlocks.get(top).forward(x.get(top));
        if (dropInputs) {
            x.get(top).drop();
        }
        results[top] = layerBlocks.get(top).forward(lastInner);
        for (int i = top - 1; i >= 0; i--) {
            Var lateral = innerBlocks.get(i).forward(x.get(i));
            if (dropInputs) {
                x.get(i).drop();
            }
            Var topDown = Functional.upsampleNearest(lastInner, lateral.shape()[2], lateral.shape()[3]);
            lastInner.drop(); // in inference the sums, laterals and upsampled maps go after their last use
            lastInner = TensorMath.add(lateral, topDown);
            lateral.drop();
            topDown.drop();
            results[i] = layerBlocks.get(i).forward(lastInner);
        }
        lastInner.drop();
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        for (int i = 0; i < levels(); i++) {
            out.put(names.get(i), results[i]);
        }
        out.put("pool", Functional.maxPool2d(results[top], 1, 2, 0));
        return out;
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        LegacyKeys.upgradeFpn(prefix, levels(), stateDict);
    }

    /** The extra "pool" level: max_pool2d(P5, kernel 1, stride 2). No state. */
    public static final class LastLevelMaxPool extends Block {
    }
}
