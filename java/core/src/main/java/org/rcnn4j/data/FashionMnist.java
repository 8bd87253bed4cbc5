package org.rcnn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Fashion-MNIST items (28x28 grey images and their classes 0..9). {@link #bundled} reads the subset shipped in
 * the jar (10000 training, 500 test items; see datasets/fashion-mnist-subset/LICENSE, MIT).
 */
public final class FashionMnist {
    public static final int SIDE = 28;
    /** Class names, index = Fashion-MNIST class (0..9); detection label = class + 1. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String RESOURCE_DIR = "/datasets/fashion-mnist-subset/";

    private final byte[] pixels;
    private final byte[] classes;

    public FashionMnist(IdxReader.IdxArray images, IdxReader.IdxArray labels) {
        if (images.dims().length != 3 || images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
            throw new IllegalArgumentException("Fashion-MNIST images must be [n, 28, 28], got "
                    + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1 || labels.dims()[0] != images.dims()[0]) {
            throw new IllegalArgumentException("Fashion-MNIST labels must be [" + images.dims()[0] + "], got "
                    + java.util.Arrays.toString(labels.dims()));
        }
        for (byte b : labels.data()) {
            if (b < 0 || b >= CLASS_NAMES.size()) {
                throw new IllegalArgumentException("Fashion-MNIST label " + b + " is not in 0..9");
            }
        }
        this.pixels = images.data();
        this.classes = labels.data();
    }

    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        public static Split parse(String s) {
            return switch (s) {
                case "train" -> TRAIN;
                case "test" -> TEST;
                default -> throw new IllegalArgumentException("split must be train or test, got '" + s + "'");
            };
        }
    }

    /** The subset bundled in the jar. */
    public static FashionMnist bundled(Split split) {
        try {
            return new FashionMnist(resource(split.prefix + "-images-idx3-ubyte.gz"),
                    resource(split.prefix + "-labels-idx1-ubyte.gz"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled Fashion-MNIST subset", e);
        }
    }

    private static IdxReader.IdxArray resource(String name) throws IOException {
        try (InputStream in = FashionMnist.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE_DIR + name + " is missing from the jar");
            }
            return IdxReader.read(in);
        }
    }

    public int size() {
        return classes.length;
    }

    /** Class 0..9 of item i. */
    public int label(int i) {
        return classes[i];
    }

    /** Intensity of item i at (y, x), 0..255. */
    public int pixel(int i, int y, int x) {
        return pixels[i * SIDE * SIDE + y * SIDE + x] & 0xff;
    }
}
