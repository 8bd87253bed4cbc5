package org.rcnn4j.models;

import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.tensor.Tensor;

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

    /**
     * Inference: the head on every feature level, the levels' anchors for the padded batch, then
     * {@link ProposalFilter} (decode, per-level top-k, clip, NMS). Features are in level order, each
     * [N, C, H_l, W_l].
     */
    public List<ProposalFilter.Proposals> forward(Backend backend, ImageList images, List<Tensor> features,
            ProposalFilter.Settings settings) {
        if (features.size() != anchorGenerator.levels()) {
            throw new IllegalArgumentException("features has " + features.size() + " levels, the anchor generator "
                    + anchorGenerator.levels());
        }
        int n = images.imageSizes().length;
        int padH = images.tensors().size(2);
        int padW = images.tensors().size(3);
        int a = anchorGenerator.anchorsPerLocation();
        int[] perLevel = new int[features.size()];
        int total = 0;
        for (int l = 0; l < perLevel.length; l++) {
            Tensor f = features.get(l);
            perLevel[l] = f.size(2) * f.size(3) * a;
            total += perLevel[l];
        }
        float[] logits = new float[n * total];
        float[] deltas = new float[n * total * 4];
        float[] anchors = new float[total * 4];
        int off = 0;
        for (int l = 0; l < perLevel.length; l++) {
            Tensor f = features.get(l);
            int h = f.size(2);
            int w = f.size(3);
            Tensor[] out = head.forward(backend, f);
            try (Tensor lg = out[0]; Tensor bx = out[1];
                    Tensor anc = backend.anchors(anchorGenerator.sizes(l), anchorGenerator.aspectRatios(), padH, padW,
                            h, w)) {
                float[] lgH = backend.toHost(lg).floats();
                float[] bxH = backend.toHost(bx).floats();
                System.arraycopy(backend.toHost(anc).floats(), 0, anchors, 4 * off, 4 * perLevel[l]);
                // torchvision's permute_and_flatten: [N, A*C, H, W] -> [N, H*W*A, C]
                int hw = h * w;
                for (int img = 0; img < n; img++) {
                    for (int p = 0; p < hw; p++) {
                        for (int k = 0; k < a; k++) {
                            int dst = img * total + off + p * a + k;
                            logits[dst] = lgH[(img * a + k) * hw + p];
                            for (int c = 0; c < 4; c++) {
                                deltas[4 * dst + c] = bxH[((img * a + k) * 4 + c) * hw + p];
                            }
                        }
                    }
                }
            }
            off += perLevel[l];
        }
        return ProposalFilter.filter(backend, Tensor.ofFloats(anchors, total, 4), Tensor.ofFloats(deltas, n, total, 4),
                Tensor.ofFloats(logits, n, total), perLevel, images.imageSizes(), settings);
    }
}
