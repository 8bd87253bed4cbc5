package org.rcnn4j.detector;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.data.ImageFiles;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ImageDetections;
import org.rcnn4j.detection.MaskOutput;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * A trained Faster or Mask R-CNN, ready to run on images: the one object a user needs.
 *
 * <pre>{@code
 * try (Detector detector = Detector.load(Path.of("maskrcnn_resnet50_fpn_coco.pth"),
 *         DetectorOptions.defaults().withModel("maskrcnn_resnet50_fpn"))) {
 *     for (Detection d : detector.detect(Path.of("photo.jpg"))) {
 *         System.out.println(d);
 *     }
 * }
 * }</pre>
 *
 * <p>Weights are torchvision's {@code .pth} files (zip or legacy format, a state_dict or a checkpoint holding one,
 * old and new key names) with the model named in the options, or the model files rcnn4j's training writes (which
 * name their model and classes). Detections are in the image's own pixels, by decreasing score. A {@code .pth} of
 * {@code fasterrcnn_resnet50_fpn} or {@code maskrcnn_resnet50_fpn} runs as torchvision runs its published COCO
 * weights: FrozenBatchNorm2d with eps 0.
 *
 * <p>Threads: one instance may be shared; its calls run one at a time (each holds the instance's lock), so
 * several threads get the results each would get alone. For parallel inference use one detector per thread.
 * {@link #close()} frees the weights on the device and the backend; a closed detector throws.
 */
public final class Detector implements AutoCloseable {
    private final GeneralizedRcnn model;
    private final String modelName;
    private final List<String> classNames;
    private final Backend backend;
    private final DetectorOptions options;
    private boolean closed;

    private Detector(GeneralizedRcnn model, String modelName, List<String> classNames, DetectorOptions options) {
        if (classNames.size() + 1 != model.numClasses()) {
            throw new IllegalArgumentException("classNames: the model has " + (model.numClasses() - 1)
                    + " classes besides the background, got " + classNames.size() + " names");
        }
        this.model = model;
        this.modelName = modelName;
        this.classNames = List.copyOf(classNames);
        this.options = options;
        RcnnSettings.apply(model, options);
        model.eval();
        this.backend = Backends.create(options.device());
        try {
            model.to(backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Loads a detector from a weight file.
     *
     * @throws IOException              the file cannot be read, or is not a weight file
     * @throws IllegalArgumentException the file does not fit the model (every mismatch listed), a {@code .pth}
     *                                  without {@link DetectorOptions#model()}, an unknown model or device
     */
    public static Detector load(Path weights, DetectorOptions options) throws IOException {
        DetectorWeights w = DetectorWeights.read(weights, options.model(), options.classNames());
        return new Detector(w.network(), w.modelName(), w.classNames(), options);
    }

    /** Wraps a detector built in code (bound to no backend yet): the options' device and settings apply. */
    public static Detector of(GeneralizedRcnn model, String modelName, List<String> classNames,
            DetectorOptions options) {
        return new Detector(model, modelName, classNames, options);
    }

    /** Detections in an image file (PNG or JPEG). */
    public List<Detection> detect(Path image) throws IOException {
        return detect(ImageFiles.read(image));
    }

    public List<Detection> detect(BufferedImage image) {
        return detect(ImageFiles.toTensor(image));
    }

    /** Detections in an image tensor: host F32 [3, H, W], RGB values in [0, 1]. */
    public List<Detection> detect(Tensor image) {
        return detectAll(List.of(image)).get(0);
    }

    /** One batch through the network: per image its detections, in the order given. */
    public synchronized List<List<Detection>> detectAll(List<Tensor> images) {
        if (closed) {
            throw new IllegalStateException("the detector is closed");
        }
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("images: expected at least one image");
        }
        for (int i = 0; i < images.size(); i++) {
            Tensor t = images.get(i);
            if (t == null || !t.isHost() || t.dtype() != DType.F32 || t.dim() != 3 || t.size(0) != 3) {
                throw new IllegalArgumentException("images[" + i + "]: expected a host F32 [3, H, W] tensor, got "
                        + t);
            }
        }
        // binary masks, each kept at its paste window, unless the probabilities are wanted: no full-size masks
        // (a large photo's would not fit), each detection's bitmap made from its window
        MaskOutput masks = options.keepMaskProbabilities()
                ? MaskOutput.probabilities() : MaskOutput.atLeast(options.maskThreshold()).asCrops();
        List<ImageDetections> found = options.testTimeAugmentation() == null ? model.detect(images, masks)
                : options.testTimeAugmentation().detect(model, images, masks);
        List<List<Detection>> out = new ArrayList<>(found.size());
        for (ImageDetections d : found) {
            out.add(toDetections(d));
        }
        return out;
    }

    private List<Detection> toDetections(ImageDetections d) {
        int n = d.count();
        float[] boxes = d.boxes().floats();
        float[] scores = d.scores().floats();
        List<Detection> out = new ArrayList<>(n);
        Tensor m = d.masks();
        float[] masks = m == null || m.dtype() != DType.F32 ? null : m.floats();
        byte[] binary = m == null || m.dtype() != DType.U8 ? null : m.bytes();
        int h = m == null ? 0 : m.size(2);
        int w = m == null ? 0 : m.size(3);
        for (int i = 0; i < n; i++) {
            int label = (int) d.labels().getLong(i);
            BinaryMask mask = d.crops() != null ? BinaryMask.of(d.crops().get(i))
                    : binary != null ? BinaryMask.of(binary, i * h * w, h, w)
                    : masks == null ? null : BinaryMask.threshold(masks, i * h * w, h, w, options.maskThreshold());
            float[] probs = masks != null && options.keepMaskProbabilities()
                    ? java.util.Arrays.copyOfRange(masks, i * h * w, (i + 1) * h * w) : null;
            out.add(new Detection(label, label >= 1 && label <= classNames.size() ? classNames.get(label - 1)
                    : "class " + label, scores[i], boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2],
                    boxes[4 * i + 3], mask, probs));
        }
        return out;
    }

    /** The architecture's name (e.g. maskrcnn_resnet50_fpn). */
    public String modelName() {
        return modelName;
    }

    /** The class names by label (label 1 is the first), without the background. */
    public List<String> classNames() {
        return classNames;
    }

    public boolean hasMasks() {
        return model.hasMasks();
    }

    /** The backend's name: cpu, cuda or cuda-emu. */
    public String device() {
        return backend.name();
    }

    /** The network itself, for what this class does not cover (its weights stay owned by the detector). */
    public GeneralizedRcnn model() {
        return model;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            model.release();
        } finally {
            backend.close();
        }
    }
}
