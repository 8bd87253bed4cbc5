package org.rcnn4j.models;

import org.rcnn4j.nn.Module;

/** torchvision's RegionProposalNetwork: anchor_generator (no state) and head; settings in {@link RcnnConfig}. */
public final class RegionProposalNetwork extends Module {
    private final AnchorGenerator anchorGenerator;
    private final RpnHead head;

    public RegionProposalNetwork(AnchorGenerator anchorGenerator, RpnHead head) {
        this.anchorGenerator = addModule("anchor_generator", anchorGenerator);
        this.head = addModule("head", head);
    }

    public AnchorGenerator anchorGenerator() {
        return anchorGenerator;
    }

    public RpnHead head() {
        return head;
    }
}
