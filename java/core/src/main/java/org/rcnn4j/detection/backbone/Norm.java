package org.rcnn4j.detection.backbone;

import java.util.Locale;
import org.rcnn4j.nn.BatchNorm2d;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.FrozenBatchNorm2d;

/**
 * The backbone's norm layer. torchvision builds FrozenBatchNorm2d when pretrained weights are given (what one
 * loads COCO or ImageNet weights into) and BatchNorm2d when building from scratch (weights=None).
 */
public enum Norm {
    FROZEN("frozen"),
    BATCH("batch");

    private final String cliName;

    Norm(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public Block create(int channels) {
        return this == FROZEN ? new FrozenBatchNorm2d(channels) : new BatchNorm2d(channels);
    }

    /** torchvision's default number of trainable backbone layers: 3 with pretrained weights, else all 5. */
    public int defaultTrainableLayers() {
        return this == FROZEN ? 3 : 5;
    }

    public static Norm parse(String s) {
        for (Norm n : values()) {
            if (n.cliName.equals(s.toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        throw new IllegalArgumentException("norm must be frozen or batch, got '" + s + "'");
    }
}
