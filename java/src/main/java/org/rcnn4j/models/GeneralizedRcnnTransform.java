package org.rcnn4j.models;

import org.rcnn4j.nn.Module;

/** torchvision's GeneralizedRCNNTransform (normalize, resize, batch): no state; its settings are the config's. */
public final class GeneralizedRcnnTransform extends Module {
    private final RcnnConfig config;

    public GeneralizedRcnnTransform(RcnnConfig config) {
        this.config = config;
    }

    public RcnnConfig config() {
        return config;
    }

    @Override
    public String typeName() {
        return "GeneralizedRCNNTransform";
    }
}
