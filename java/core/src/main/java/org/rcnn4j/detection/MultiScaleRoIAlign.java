package org.rcnn4j.detection;

import java.util.List;
import org.rcnn4j.nn.Block;

/** torchvision.ops.MultiScaleRoIAlign settings (no state): which feature maps, output size, sampling ratio. */
public final class MultiScaleRoIAlign extends Block {
    private final List<String> featureNames;
    private final int outputSize;
    private final int samplingRatio;

    /**
     * torchvision's MultiScaleRoIAlign(featmap_names, output_size, sampling_ratio): pools from the maps named (at
     * least one), to {@code outputSize} x {@code outputSize}; a sampling ratio &lt;= 0 samples adaptively.
     */
    public MultiScaleRoIAlign(List<String> featureNames, int outputSize, int samplingRatio) {
        if (featureNames == null || featureNames.isEmpty()) {
            throw new IllegalArgumentException("featmap_names: expected at least one feature map name, got "
                    + featureNames);
        }
        if (outputSize < 1) {
            throw new IllegalArgumentException("output_size must be >= 1, got " + outputSize);
        }
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
