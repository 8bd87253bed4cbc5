package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.tensor.Tensor;

/** {@link TestTimeAugmentation}'s fused detections of one image as {@link ImageDetections}, masks as asked. */
final class FusedDetections {
    private FusedDetections() {
    }

    static ImageDetections of(GeneralizedRcnn model, List<WeightedBoxFusion.Fused> fused, Tensor image,
            MaskOutput masks) {
        int n = fused.size();
        WeightedBoxFusion.Rows rows = WeightedBoxFusion.Rows.of(fused);
        Tensor b = Tensor.ofFloats(rows.boxes(), n, 4);
        Tensor s = Tensor.ofFloats(rows.scores(), n);
        Tensor l = Tensor.ofLongs(rows.labels(), n);
        if (!model.hasMasks()) {
            return new ImageDetections(b, s, l, null);
        }
        List<MaskCrop> crops = new ArrayList<>(n);
        for (WeightedBoxFusion.Fused f : fused) {
            MaskCrop m = WeightedBoxFusion.fuseMasks(f.members());
            crops.add(masks.binary() ? binary(m, masks) : m);
        }
        if (masks.cropped()) {
            return new ImageDetections(b, s, l, null, crops);
        }
        return new ImageDetections(b, s, l, pasted(crops, image.size(1), image.size(2), masks.binary()));
    }

    /** A crop's probabilities as U8 0/1, inside as {@code masks} says. */
    static MaskCrop binary(MaskCrop m, MaskOutput masks) {
        return new MaskCrop(m.imageHeight(), m.imageWidth(), m.x0(), m.y0(), m.x1(), m.y1(),
                masks.inside(m.values()));
    }

    /** The crops at full size, [D, 1, H, W]: U8 when binary, else F32. */
    private static Tensor pasted(List<MaskCrop> crops, int h, int w, boolean binary) {
        long plane = (long) h * w;
        long limit = binary ? MaskOutput.maxBinaryMasks(h, w) : (Integer.MAX_VALUE - 8L) / Math.max(1, plane);
        if (crops.size() > limit) {
            throw new IllegalArgumentException("masks: " + crops.size() + " full-size masks of " + w + "x" + h
                    + " do not fit in one Java array: ask for cropped masks (MaskOutput.asCrops()), keep fewer "
                    + "detections (box_detections_per_img) or give a smaller image");
        }
        int d = crops.size();
        float[] f = binary ? null : new float[(int) (d * plane)];
        byte[] u = binary ? new byte[(int) (d * plane)] : null;
        for (int k = 0; k < d; k++) {
            MaskCrop m = crops.get(k);
            for (int y = 0; y < m.height(); y++) {
                int to = (int) (k * plane) + (m.y0() + y) * w + m.x0();
                int from = y * m.width();
                if (binary) {
                    System.arraycopy(m.values().bytes(), from, u, to, m.width());
                } else {
                    System.arraycopy(m.values().floats(), from, f, to, m.width());
                }
            }
        }
        return binary ? Tensor.ofBytes(u, d, 1, h, w) : Tensor.ofFloats(f, d, 1, h, w);
    }
}
