package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import java.util.List;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.MultiScaleRoIAlign;

/**
 * What the detectors need of a backbone (a Block): named feature maps, finest first, each with
 * {@link #outChannels()} channels (torchvision's backbone.out_channels). The RPN's anchor generator has one size
 * tuple per map it reads and MultiScaleRoIAlign pools from the maps it names.
 */
public interface Backbone {
    LinkedHashMap<String, Var> forward(Var images);

    int outChannels();

    /**
     * The names of the maps {@link #forward} returns, in its order, when known without running it: the detector
     * builders then check the RPN's anchor sizes and the RoI poolers' map names against them. Null (the default):
     * unknown, checked at the first forward pass instead.
     */
    default List<String> featureNames() {
        return null;
    }
}
