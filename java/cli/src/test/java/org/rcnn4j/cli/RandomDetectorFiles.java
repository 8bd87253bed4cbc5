package org.rcnn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;

/** What the detect and eval tests run on: a randomly initialized maskrcnn_small's model file, and scenes. */
final class RandomDetectorFiles {
    private RandomDetectorFiles() {
    }

    /** dir/model.safetensors: maskrcnn_small initialized from {@code seed}, with Fashion-MNIST's classes. */
    static Path modelFile(Path dir, long seed) throws IOException {
        GeneralizedRcnn model = Models.maskrcnnSmall(ModelOptions.defaults());
        model.initialize(seed);
        Path file = dir.resolve("model.safetensors");
        ModelFile.write(file, Models.MASKRCNN_SMALL, model, FashionMnist.CLASS_NAMES);
        return file;
    }

    /** dir/scenes: {@code count} scenes as a COCO dataset (rcnn4j scenes). */
    static Path scenes(Path dir, int count, long seed) {
        Path scenes = dir.resolve("scenes");
        Cli.run("scenes", "--count", String.valueOf(count), "--out", scenes.toString(), "--seed",
                String.valueOf(seed)).assertOk();
        return scenes;
    }
}
