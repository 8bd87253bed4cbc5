package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.nn.Block;

/** torchvision.ops.MultiScaleRoIAlign settings (no state): which feature maps, output size, sampling ratio. */
public final class MultiScaleRoIAlign extends Block {
    private final List<String> featureNames;
    private final int outputSize;
    private final int samplingRatio;

    public MultiScaleRoIAlign(List<String> featureNames, int outputSize, int samplingRatio) {
        this.featureNames = List.copyOf(featureNames);
        this.outputSize = outputSize;
        this.samplingRatio = samplingRatio;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public int outputSize() {
        return outputSize;
    }

    public int samplingRatio() {
        return samplingRatio;
    }
}
