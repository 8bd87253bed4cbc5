package org.rcnn4j.train;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.data.Dataset;
import org.rcnn4j.detection.FastRcnn;
import org.rcnn4j.proposals.DatasetProposals;
import org.rcnn4j.tensor.Tensor;

/** Fast R-CNN's training step: {@link DetectorStep}'s batches with each image's cached proposals. */
public final class FastRcnnSteps {
    private FastRcnnSteps() {
    }

    /**
     * @param proposals the dataset's proposals by index (mirrored here for the images the step flips)
     */
    public static DetectorStep step(FastRcnn model, Dataset data, DatasetProposals proposals, int batchSize,
            long seed, double flipProbability) {
        if (proposals.size() != data.size()) {
            throw new IllegalArgumentException("proposals: need one entry per image (" + data.size() + "), got "
                    + proposals.size());
        }
        return new DetectorStep((batch, s) -> model.losses(DetectorStep.images(batch.samples()),
                proposalsOf(batch, proposals), DetectorStep.targets(batch.samples()), s), data, batchSize, seed,
                flipProbability);
    }

    static List<Tensor> proposalsOf(DetectorStep.Batch batch, DatasetProposals proposals) {
        List<Tensor> out = new ArrayList<>(batch.indices().length);
        for (int i = 0; i < batch.indices().length; i++) {
            Tensor p = proposals.get(batch.indices()[i]);
            out.add(batch.flipped()[i] ? DatasetProposals.flip(p, batch.samples().get(i).width()) : p);
        }
        return out;
    }
}
