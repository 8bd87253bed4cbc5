package org.rcnn4j.detection.backbone;

import java.util.LinkedHashMap;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.detection.MultiScaleRoIAlign;

/**
 * What the detectors need of a backbone (a Block): named feature maps, finest first, each with
 * {@link #outChannels()} channels. The RPN's anchor generator has one size tuple per map and MultiScaleRoIAlign
 * pools from the maps it names.
 */
public interface Backbone {
    LinkedHashMap<String, Var> forward(Var images);

    int outChannels();
}
