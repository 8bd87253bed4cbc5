package org.rcnn4j.detection;

import org.rcnn4j.nn.Conv2d;
import org.rcnn4j.nn.ConvTranspose2d;
import org.rcnn4j.nn.Init;
import org.rcnn4j.nn.ReLU;
import org.rcnn4j.nn.Sequential;

/**
 * torchvision's MaskRCNNPredictor: conv5_mask = ConvTranspose2d(C, D, 2, stride 2) (weight [C,D,2,2]), relu,
 * mask_fcn_logits = Conv2d(D, num_classes, 1). Weights kaiming-normal (fan_out, relu, with torch's fan
 * convention); biases keep torch's default init.
 */
public final class MaskRcnnPredictor extends Sequential implements MaskPredictor {
    private final int inChannels;
    private final int numClasses;

    public MaskRcnnPredictor(int inChannels, int dimReduced, int numClasses) {
        if (inChannels < 1 || dimReduced < 1 || numClasses < 1) {
            throw new IllegalArgumentException("MaskRCNNPredictor: in_channels, dim_reduced and num_classes must be "
                    + ">= 1, got " + inChannels + ", " + dimReduced + ", " + numClasses);
        }
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        ConvTranspose2d up = new ConvTranspose2d(inChannels, dimReduced, 2, 2, 0, true);
        Conv2d logits = new Conv2d(dimReduced, numClasses, 1, 1, 0, true);
        add("conv5_mask", up);
        add("relu", new ReLU());
        add("mask_fcn_logits", logits);
        up.weight().init(Init.kaimingNormalFanOutRelu());
        logits.weight().init(Init.kaimingNormalFanOutRelu());
    }

    @Override
    public int inChannels() {
        return inChannels;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public String typeName() {
        return "MaskRCNNPredictor";
    }
}
