package org.rcnn4j.detector;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.rcnn4j.autograd.Live;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.io.torch.TorchSave.FloatTensor;
import org.rcnn4j.nn.FrozenBatchNorm2d;
import org.rcnn4j.tensor.Tensor;

/**
 * The child JVM of {@link InferenceMemoryTest}: maskrcnn_resnet50_fpn with the parity tests' seeded weights
 * (torchvision's layout for the published COCO weights) on coffee.png scaled 2x to 800x1200 (the transform keeps it;
 * the batch pads it to 800x1216), one {@link Detector#detect} on the CPU. Prints one line: {@code detections=N
 * masks=M padded=HxW weights_bytes=W peak_live_bytes=P} (P: the most bytes Vars held at once during detect,
 * beyond the weights; {@link Live#peakBytes}).
 */
public final class InferenceMemoryRun {
    private InferenceMemoryRun() {
    }

    public static void main(String[] args) throws Exception {
        String model = Models.MASKRCNN_RESNET50_FPN;
        GeneralizedRcnn network = Models.maskrcnnResnet50Fpn(ModelOptions.defaults());
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : PretrainedWeights.stateDict(model).entrySet()) {
            sd.put(e.getKey(), Tensor.ofFloats(e.getValue().values(), e.getValue().shape()));
        }
        network.loadStateDict(sd, true);
        sd = null;
        FrozenBatchNorm2d.overwriteEps(network, 0f);
        BufferedImage photo;
        try (InputStream in = InferenceMemoryRun.class.getResourceAsStream("/photos/coffee.png")) {
            photo = ImageIO.read(in);
        }
        BufferedImage big = new BufferedImage(2 * photo.getWidth(), 2 * photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(photo, 0, 0, big.getWidth(), big.getHeight(), null);
        try (Detector detector = Detector.of(network, model, CocoClasses.names(), DetectorOptions.defaults())) {
            long weights = Live.bytes();
            Live.resetPeak();
            List<Detection> found = detector.detect(big);
            long peak = Live.peakBytes() - weights;
            long masks = found.stream().filter(d -> d.mask() != null).count();
            System.out.printf(Locale.ROOT, "detections=%d masks=%d padded=800x1216 weights_bytes=%d "
                    + "peak_live_bytes=%d%n", found.size(), masks, weights, peak);
        }
    }
}
