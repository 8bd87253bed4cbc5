package org.rcnn4j.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.nn.HostOps;
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

    /**
     * The pyramid of {@code features} (finest first, e.g. "0".."3"): P_last = layer(inner(C_last)); going up,
     * inner(C_i) + nearest-upsample(previous inner sum) feeds layer_blocks[i]; then "pool" = max_pool2d(P_last,
     * 1, 2). Keys: the input names, then "pool". Inference on the CPU backend (host tensors).
     */
    public LinkedHashMap<String, Tensor> forward(Backend backend, Map<String, Tensor> features) {
        if (features.size() != levels()) {
            throw new IllegalArgumentException("FPN: expected " + levels() + " feature maps, got " + features.size());
        }
        List<String> names = new ArrayList<>(features.keySet());
        List<Tensor> x = new ArrayList<>(features.values());
        Tensor[] results = new Tensor[levels()];
        int top = levels() - 1;
        Tensor lastInner = innerBlocks.get(top).forward(backend, x.get(top));
        results[top] = layerBlocks.get(top).forward(backend, lastInner);
        for (int i = top - 1; i >= 0; i--) {
            Tensor lateral = innerBlocks.get(i).forward(backend, x.get(i));
            Tensor topDown = HostOps.interpolateNearest(lastInner, lateral.size(2), lateral.size(3));
            lastInner = HostOps.add(lateral, topDown, false);
            results[i] = layerBlocks.get(i).forward(backend, lastInner);
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < levels(); i++) {
            out.put(names.get(i), results[i]);
        }
        out.put("pool", HostOps.maxPool2d(results[top], 1, 2, 0));
        return out;
    }

    @Override
    protected void adaptState(String prefix, Map<String, Tensor> stateDict) {
        LegacyKeys.upgradeFpn(prefix, levels(), stateDict);
    }

    /** The extra "pool" level: max_pool2d(P5, kernel 1, stride 2). No state. */
    public static final class LastLevelMaxPool extends Module {
    }
}
