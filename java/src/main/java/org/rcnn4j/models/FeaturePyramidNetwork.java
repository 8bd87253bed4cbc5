package org.rcnn4j.models;

import java.util.Map;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Conv2dNormActivation;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Module;
import org.rcnn4j.nn.ModuleList;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision.ops.FeaturePyramidNetwork with LastLevelMaxPool: inner_blocks[i] 1x1 and layer_blocks[i] 3x3
 * (each a Conv2dNormActivation without norm or activation, so keys inner_blocks.i.0.weight), conv weights
 * kaiming-uniform (a=1), biases 0. Loading accepts the pre-version-2 keys inner_blocks.i.weight.
 */
public final class FeaturePyramidNetwork extends Module {
    private final ModuleList<Conv2dNormActivation> innerBlocks = new ModuleList<>();
    private final ModuleList<Conv2dNormActivation> layerBlocks = new ModuleList<>();

    public FeaturePyramidNetwork(int[] inChannels, int outChannels) {
        for (int c : inChannels) {
            innerBlocks.add(Conv2dNormActivation.plain(c, outChannels, 1, false));
            layerBlocks.add(Conv2dNormActivation.plain(outChannels, outChannels, 3, false));
        }
        addModule("inner_blocks", innerBlocks);
        addModule("layer_blocks", layerBlocks);
        namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.kaimingUniform(1));
                c.bias().init(Init.zeros());
            }
        });
        addModule("extra_blocks", new LastLevelMaxPool());
    }

    public int levels() {
        return innerBlocks.size();
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        LegacyKeys.upgradeFpn(prefix, levels(), stateDict);
    }

    /** The extra "pool" level: max_pool2d(P5, kernel 1, stride 2). No state. */
    public static final class LastLevelMaxPool extends Module {
    }
}
