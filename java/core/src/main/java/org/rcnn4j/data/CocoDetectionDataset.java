package org.rcnn4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoFormatException;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.coco.LabelMap;
import org.rcnn4j.coco.Rle;
import org.rcnn4j.coco.Segmentation;
import org.rcnn4j.tensor.Tensor;

/**
 * A COCO instances file and its images as training samples, following torchvision's reference detection scripts:
 * images in ascending id order (images without annotations kept, with empty targets), categories mapped to labels
 * 1..K in ascending id order, crowd annotations left out of the targets, boxes from bbox [x, y, w, h] clipped to
 * the image, annotations whose clipped box is under 1 px wide or high dropped, masks rasterized from polygons or
 * RLE (an annotation without a segmentation gets its box as its mask, as pycocotools does for box results).
 * <p>
 * Everything but the pixels is read and checked when the dataset is opened; {@link #get} reads the image file,
 * so samples cost no memory until asked for, and get may run on several threads at once.
 */
public final class CocoDetectionDataset implements Dataset {
    private final Path annotationFile;
    private final Path imageRoot;
    private final CocoDataset coco;
    private final LabelMap labels;
    private final CocoImage[] images;
    private final List<List<CocoAnnotation>> targets;

    private CocoDetectionDataset(Path annotationFile, Path imageRoot, CocoDataset coco) {
        this.annotationFile = annotationFile;
        this.imageRoot = imageRoot;
        this.coco = coco;
        this.labels = LabelMap.of(coco);
        this.images = coco.images().values().stream().sorted((a, b) -> Long.compare(a.id(), b.id()))
                .toArray(CocoImage[]::new);
        Map<Long, List<CocoAnnotation>> byImage = new HashMap<>();
        for (CocoImage im : images) {
            byImage.put(im.id(), new ArrayList<>());
            if (im.fileName() == null || im.fileName().isEmpty()) {
                throw error("image " + im.id() + ": missing \"file_name\"");
            }
            Path f = imageRoot.resolve(im.fileName());
            if (!Files.isRegularFile(f)) {
                throw error("image " + im.id() + ": image file " + f + " not found");
            }
        }
        for (CocoAnnotation a : coco.annotations()) {
            if (a.iscrowd()) {
                continue;
            }
            CocoImage im = coco.images().get(a.imageId());
            Segmentation s = a.segmentation();
            if (s != null && s.rle() != null && (s.rle().height() != im.height() || s.rle().width() != im.width())) {
                throw error("annotation " + a.id() + ": RLE size [" + s.rle().height() + ", " + s.rle().width()
                        + "] differs from image " + im.id() + "'s [" + im.height() + ", " + im.width() + "]");
            }
            if (clippedBox(a, im) != null) {
                byImage.get(a.imageId()).add(a);
            }
        }
        this.targets = new ArrayList<>(images.length);
        for (CocoImage im : images) {
            targets.add(List.copyOf(byImage.get(im.id())));
        }
    }

    /**
     * @param annotationFile a COCO instances JSON file
     * @param imageRoot      the directory each image's file_name is relative to
     * @throws CocoFormatException naming the file and entry when the JSON is malformed or an image file is missing
     */
    public static CocoDetectionDataset open(Path annotationFile, Path imageRoot) throws IOException {
        return new CocoDetectionDataset(annotationFile, imageRoot, CocoDataset.read(annotationFile));
    }

    /** A directory as {@code rcnn4j scenes} writes it: DIR/annotations.json, file names relative to DIR. */
    public static CocoDetectionDataset open(Path dir) throws IOException {
        return open(dir.resolve("annotations.json"), dir);
    }

    private CocoFormatException error(String reason) {
        return new CocoFormatException(annotationFile + ": " + reason);
    }

    @Override
    public int size() {
        return images.length;
    }

    /** The whole file as ground truth for evaluation (crowd and tiny annotations included, as COCOeval wants). */
    public CocoDataset groundTruth() {
        return coco;
    }

    /** Labels 1..K and category ids, both ways, with the class names. */
    public LabelMap labels() {
        return labels;
    }

    /** Class names by label: element k - 1 names label k. */
    public List<String> classNames() {
        return labels.names();
    }

    public CocoImage image(int index) {
        return images[checkIndex(index)];
    }

    public long imageId(int index) {
        return image(index).id();
    }

    /** The annotations that become sample {@code index}'s targets (not crowd, box at least 1 px each way). */
    public List<CocoAnnotation> targets(int index) {
        return targets.get(checkIndex(index));
    }

    public Path imageFile(int index) {
        return imageRoot.resolve(image(index).fileName());
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= images.length) {
            throw new IndexOutOfBoundsException("image index " + index + " of " + images.length);
        }
        return index;
    }

    @Override
    public Sample get(int index) {
        CocoImage im = image(index);
        Path file = imageFile(index);
        Tensor image;
        try {
            image = ImageFiles.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        int h = image.shape()[1];
        int w = image.shape()[2];
        if (h != im.height() || w != im.width()) {
            throw new IllegalStateException(file + ": image is " + w + "x" + h + " but " + annotationFile
                    + " says image " + im.id() + " is " + im.width() + "x" + im.height());
        }
        List<CocoAnnotation> anns = targets.get(index);
        int n = anns.size();
        float[] boxes = new float[4 * n];
        long[] lab = new long[n];
        byte[] masks = new byte[n * h * w];
        for (int k = 0; k < n; k++) {
            CocoAnnotation a = anns.get(k);
            double[] b = clippedBox(a, im);
            for (int j = 0; j < 4; j++) {
                boxes[4 * k + j] = (float) b[j];
            }
            lab[k] = labels.label(a.categoryId());
            Rle rle;
            try {
                rle = a.segmentation() != null ? a.segmentation().toRle(h, w)
                        : Segmentation.ofPolygons(List.of(a.bbox())).toRle(h, w);
            } catch (RuntimeException e) {
                throw new IllegalStateException(annotationFile + ": annotation " + a.id() + ": cannot rasterize "
                        + "its segmentation (" + e.getMessage() + ")", e);
            }
            byte[] col = rle.decode();
            int base = k * h * w;
            for (int x = 0; x < w; x++) {
                for (int y = 0; y < h; y++) {
                    masks[base + y * w + x] = col[x * h + y];
                }
            }
        }
        return new Sample(image, Tensor.ofFloats(boxes, n, 4), Tensor.ofLongs(lab, n), Tensor.ofBytes(masks, n, h, w));
    }

    /** x1y1x2y2 clipped to the image, or null when under 1 px wide or high (torchvision keeps x2 > x1). */
    private static double[] clippedBox(CocoAnnotation a, CocoImage im) {
        double[] b = a.bbox();
        double x1 = clamp(b[0], im.width());
        double y1 = clamp(b[1], im.height());
        double x2 = clamp(b[0] + b[2], im.width());
        double y2 = clamp(b[1] + b[3], im.height());
        return x2 - x1 >= 1 && y2 - y1 >= 1 ? new double[] {x1, y1, x2, y2} : null;
    }

    private static double clamp(double v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }

    @Override
    public String toString() {
        return "CocoDetectionDataset[" + annotationFile + ", " + images.length + " images, " + labels.size()
                + " classes " + Arrays.toString(labels.names().toArray()) + "]";
    }
}
