package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.data.HorizontalFlip;
import org.rcnn4j.tensor.Tensor;

/**
 * One view of {@link TestTimeAugmentation}: the model run on the images as they are or mirrored left to right,
 * each detection mapped back into its image's own pixels (a mirrored view's boxes and masks mirrored back) as a
 * fusion candidate.
 */
final class ViewDetections {
    private ViewDetections() {
    }

    /** Adds the view's detections of image i to {@code candidates.get(i)}, masks as F32 crops. */
    static void collect(GeneralizedRcnn model, List<Tensor> images, boolean mirrored,
            List<List<WeightedBoxFusion.Candidate>> candidates) {
        List<Tensor> inputs = mirrored ? new ArrayList<>() : images;
        if (mirrored) {
            images.forEach(img -> inputs.add(HorizontalFlip.flipWidth(img)));
        }
        try {
            List<ImageDetections> found = model.detect(inputs, MaskOutput.probabilities().asCrops());
            for (int i = 0; i < found.size(); i++) {
                add(found.get(i), images.get(i).size(2), mirrored, candidates.get(i));
            }
        } finally {
            if (mirrored) {
                inputs.forEach(Tensor::close);
            }
        }
    }

    private static void add(ImageDetections d, int width, boolean mirrored, List<WeightedBoxFusion.Candidate> to) {
        float[] boxes = (mirrored ? HorizontalFlip.flipBoxes(d.boxes(), width) : d.boxes()).floats();
        float[] scores = d.scores().floats();
        long[] labels = d.labels().longs();
        for (int k = 0; k < d.count(); k++) {
            float[] box = {boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]};
            MaskCrop mask = d.crops() == null ? null : d.crops().get(k);
            to.add(new WeightedBoxFusion.Candidate(box, scores[k], labels[k], mirrored && mask != null
                    ? mirror(mask) : mask));
        }
    }

    /** A mask crop mirrored left to right within its image; an empty window stays (0, 0, 0, 0). */
    static MaskCrop mirror(MaskCrop m) {
        if (m.width() == 0 || m.height() == 0) {
            return m;
        }
        return new MaskCrop(m.imageHeight(), m.imageWidth(), m.imageWidth() - m.x1(), m.y0(),
                m.imageWidth() - m.x0(), m.y1(), HorizontalFlip.flipWidth(m.values()));
    }
}
