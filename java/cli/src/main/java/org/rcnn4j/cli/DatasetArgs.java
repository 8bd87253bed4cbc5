package org.rcnn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rcnn4j.coco.CocoFormatException;
import org.rcnn4j.coco.CocoImage;
import org.rcnn4j.data.CocoDetectionDataset;
import org.rcnn4j.detection.GeneralizedRcnnTransform;

/**
 * How the commands name a COCO dataset: {@code --data DIR} (a directory holding annotations.json, as
 * {@code rcnn4j scenes} writes it) or {@code --data FILE.json --images DIR}.
 */
final class DatasetArgs {
    private DatasetArgs() {
    }

    static CocoDetectionDataset open(String command, Path data, Path images) {
        try {
            if (Files.isDirectory(data)) {
                if (images != null) {
                    throw new UsageException(command + ": --images goes with an annotations file, not a directory");
                }
                return CocoDetectionDataset.open(data);
            }
            if (!Files.exists(data)) {
                throw new UsageException(command + ": --data " + data + " does not exist");
            }
            if (images == null) {
                throw new UsageException(command + ": --data " + data + " is a file: give --images DIR too");
            }
            return CocoDetectionDataset.open(data, images);
        } catch (CocoFormatException e) {
            throw new UsageException(command + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UsageException(command + ": cannot read " + data + ": " + Main.describe(e));
        }
    }

    /**
     * Refuses, before any work, a dataset image that the detector's transform cannot resize (an extreme aspect
     * ratio that would shrink a side to 0 px), naming its file; the sizes come from the annotations, so nothing is
     * decoded.
     */
    static void checkResizable(String command, CocoDetectionDataset data, int minSize, int maxSize) {
        for (int i = 0; i < data.size(); i++) {
            CocoImage im = data.image(i);
            try {
                GeneralizedRcnnTransform.resizedSize(im.height(), im.width(), minSize, maxSize);
            } catch (IllegalArgumentException e) {
                throw new UsageException(command + ": " + data.imageFile(i) + " (image " + im.id() + "): "
                        + e.getMessage());
            }
        }
    }
}
