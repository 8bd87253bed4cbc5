package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
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
            images.forEach(img -> inputs.add(mirror(img)));
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
        float[] boxes = d.boxes().floats();
        float[] scores = d.scores().floats();
        long[] labels = d.labels().longs();
        for (int k = 0; k < d.count(); k++) {
            float[] box = {boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]};
            MaskCrop mask = d.crops() == null ? null : d.crops().get(k);
            if (mirrored) {
                box = new float[] {width - box[2], box[1], width - box[0], box[3]};
                mask = mask == null ? null : mirror(mask);
            }
            to.add(new WeightedBoxFusion.Candidate(box, scores[k], labels[k], mask));
        }
    }

    /** A host F32 [C, H, W] image mirrored left to right. */
    static Tensor mirror(Tensor image) {
        int c = image.size(0);
        int h = image.size(1);
        int w = image.size(2);
        float[] in = image.floats();
        float[] out = new float[in.length];
        for (int row = 0; row < c * h; row++) {
            int o = row * w;
            for (int x = 0; x < w; x++) {
                out[o + x] = in[o + w - 1 - x];
            }
        }
        return Tensor.ofFloats(out, c, h, w);
    }

    /** A mask crop mirrored left to right within its image; an empty window stays (0, 0, 0, 0). */
    static MaskCrop mirror(MaskCrop m) {
        if (m.width() == 0 || m.height() == 0) {
            return m;
        }
        float[] in = m.values().floats();
        float[] out = new float[in.length];
        int w = m.width();
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = in[y * w + w - 1 - x];
            }
        }
        return new MaskCrop(m.imageHeight(), m.imageWidth(), m.imageWidth() - m.x1(), m.y0(),
                m.imageWidth() - m.x0(), m.y1(), Tensor.ofFloats(out, m.height(), w));
    }
}
