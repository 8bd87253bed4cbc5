package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.nn.BatchNorm2d;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.Layer;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;

/**
 * A backbone that trains on a CPU in minutes: four stages of two 3x3 conv + BatchNorm2d + ReLU (the first conv of
 * each with stride 2), the stages from {@code firstTap} on feeding an FPN with a max-pool level (stride 32): by
 * default the last two (strides 8 and 16, maps "0", "1", "pool"); the small detectors also tap stage 2 (strides 4,
 * 8 and 16: "0", "1", "2", "pool"). Keys: body.stage1..4.{0..5}, fpn.* as torchvision's FPN. Batch norm makes
 * training from a random start several times faster here; {@code batchNorm} false gives plain conv (with bias) +
 * ReLU stages.
 */
public final class SmallBackbone extends Block implements Backbone {
    /**
     * Channels of stage1..stage4. The last two stages run on small maps (16x16 and 8x8 on 128x128 scenes), so
     * 128 and 192 channels instead of 96 and 128 cost the demo about a tenth more time, and they raised its box and
     * mask AP50 on each of seeds 0..3 (docs/demo-tuning-history.md, "Wider last stages").
     */
    public static final int[] WIDTHS = {32, 64, 128, 192};

    private final Sequential body = new Sequential();
    private final FeaturePyramidNetwork fpn;
    private final int outChannels;
    private final int firstTap;

    public SmallBackbone(int outChannels) {
        this(outChannels, true);
    }

    public SmallBackbone(int outChannels, boolean batchNorm) {
        this(outChannels, batchNorm, 3);
    }

    /** {@code firstTap}: the first stage feeding the FPN (3: strides 8 and 16; 2: strides 4, 8 and 16). */
    public SmallBackbone(int outChannels, boolean batchNorm, int firstTap) {
        if (firstTap < 1 || firstTap > WIDTHS.length) {
            throw new IllegalArgumentException("firstTap must be 1.." + WIDTHS.length + ", got " + firstTap);
        }
        this.outChannels = outChannels;
        this.firstTap = firstTap;
        int in = 3;
        for (int s = 0; s < WIDTHS.length; s++) {
            Sequential stage = new Sequential();
            for (int k = 0; k < 2; k++) {
                stage.add(new Conv2d(k == 0 ? in : WIDTHS[s], WIDTHS[s], 3, k == 0 ? 2 : 1, 1, !batchNorm));
                if (batchNorm) {
                    stage.add(new BatchNorm2d(WIDTHS[s]));
                }
                stage.add(new ReLU());
            }
            body.add("stage" + (s + 1), stage);
            in = WIDTHS[s];
        }
        body.namedModules().values().forEach(m -> {
            if (m instanceof Conv2d c) {
                c.weight().init(Init.kaimingNormalFanOutRelu());
                if (c.bias() != null) {
                    c.bias().init(Init.zeros());
                }
            }
        });
        addBlock("body", body);
        fpn = addBlock("fpn", new FeaturePyramidNetwork(java.util.Arrays.copyOfRange(WIDTHS, firstTap - 1,
                WIDTHS.length), outChannels));
    }

    /**
     * Trains only the last {@code trainable} stages (0..4): the first ones get requires_grad false, as torchvision's
     * {@code trainable_backbone_layers} freezes a pretrained ResNet's first layers; the FPN stays trainable. Their
     * batch norms still normalize by the batch in training mode and update their running statistics, as torch's
     * BatchNorm2d does under requires_grad false. On a bound module the change reaches its Vars at once
     * ({@link org.rcnn4j.nn.Parameter#requiresGrad(boolean)}).
     */
    public SmallBackbone trainableStages(int trainable) {
        if (trainable < 0 || trainable > WIDTHS.length) {
            throw new IllegalArgumentException("trainable stages: expected 0.." + WIDTHS.length + ", got " + trainable);
        }
        for (int s = 1; s <= WIDTHS.length; s++) {
            boolean learns = s > WIDTHS.length - trainable;
            body.get("stage" + s).namedParameters().values().forEach(p -> p.requiresGrad(learns));
        }
        return this;
    }

    /** The four stages (keys stage1..stage4), what classification pretraining trains. */
    public Sequential body() {
        return body;
    }

    /** Maps "0", "1", ... (one per tapped stage, finest first) and "pool" (stride 32). */
    @Override
    public LinkedHashMap<String, Var> forward(Var images) {
        return forwardWithLastStage(images).maps();
    }

    /** The FPN's maps and the last stage's output they were built from (what classification pretraining pools). */
    public record Outputs(LinkedHashMap<String, Var> maps, Var lastStage) {
    }

    /** {@link #forward}, also returning the last stage's output. */
    public Outputs forwardWithLastStage(Var images) {
        Var x = images;
        LinkedHashMap<String, Var> taps = new LinkedHashMap<>();
        for (int s = 1; s <= WIDTHS.length; s++) {
            x = ((Layer) body.get("stage" + s)).forward(x);
            if (s >= firstTap) {
                taps.put(Integer.toString(s - firstTap), x);
            }
        }
        return new Outputs(fpn.forward(taps), x);
    }

    @Override
    public int outChannels() {
        return outChannels;
    }

    /** "0" .. one per tapped stage, then "pool". */
    @Override
    public java.util.List<String> featureNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int s = firstTap; s <= WIDTHS.length; s++) {
            names.add(Integer.toString(s - firstTap));
        }
        names.add("pool");
        return java.util.List.copyOf(names);
    }

    @Override
    public String typeName() {
        return "SmallBackbone";
    }
}
