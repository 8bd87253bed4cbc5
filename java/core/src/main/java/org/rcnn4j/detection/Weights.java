package org.rcnn4j.detection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.io.torch.LegacyKeys;
import org.rcnn4j.io.torch.TorchFiles;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.StateDictCheck;
import org.rcnn4j.tensor.Tensor;

/**
 * Weight files for the models: torchvision's .pth (zip or legacy format, a state_dict or a checkpoint with one under
 * "model"/"state_dict") or safetensors, checked key by key against a model before anything is loaded.
 */
public final class Weights {
    /** File formats, told apart by their first bytes (not by the file name). */
    public enum Format {
        SAFETENSORS("safetensors"), PTH_ZIP("PyTorch zip"), PTH_LEGACY("PyTorch legacy");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A file's state dict as stored (its own key names). */
    public record WeightFile(Path path, Format format, LinkedHashMap<String, Tensor> stateDict) {
        public long elements() {
            return stateDict.values().stream().mapToLong(Tensor::numel).sum();
        }
    }

    /**
     * How a file fits a model: keys renamed from torchvision's older names ({old, new} pairs), entries the model's
     * modules drop (FrozenBatchNorm2d's num_batches_tracked), and the key check of the renamed dict.
     */
    public record Report(WeightFile file, List<String[]> renamed, List<String> dropped, StateDictCheck check) {
        public boolean fits() {
            return check.fits();
        }
    }

    private Weights() {
    }

    /** The file's format, told apart by its first bytes. */
    public static Format format(Path path) throws IOException {
        byte[] head;
        org.rcnn4j.io.InputFiles.requireRegular(path); // a FIFO or device would block or never end
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Format.PTH_ZIP;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] == 2) {
            return Format.PTH_LEGACY;
        }
        return Format.SAFETENSORS;
    }

    public static WeightFile read(Path path) throws IOException {
        Format format = format(path);
        if (format != Format.SAFETENSORS) {
            return new WeightFile(path, format, TorchFiles.readStateDict(path));
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".bin") || name.endsWith(".ckpt")) {
            TorchFiles.read(path); // not a torch file: its error says so and what the file starts with
        }
        return new WeightFile(path, Format.SAFETENSORS, new LinkedHashMap<>(Safetensors.read(path)));
    }

    /** Compares the file's state dict (older key names upgraded) with the model's; loads nothing. */
    public static Report check(Block model, WeightFile file) {
        Map<String, Tensor> sd = file.stateDict();
        List<String[]> renamed = new ArrayList<>();
        sd.keySet().forEach(k -> {
            String n = LegacyKeys.upgrade(k);
            if (!n.equals(k)) {
                renamed.add(new String[] {k, n});
            }
        });
        LinkedHashMap<String, Tensor> upgraded = LegacyKeys.upgrade(sd);
        StateDictCheck check = model.checkStateDict(upgraded);
        List<String> dropped = upgraded.keySet().stream().filter(k -> !check.adapted().containsKey(k)).toList();
        return new Report(file, List.copyOf(renamed), dropped, check);
    }

    /**
     * Reads {@code path} and loads it into {@code model} when every key, dtype and shape matches.
     *
     * @throws IllegalArgumentException listing every problem, one per line, when the file does not fit
     */
    public static Report load(Block model, Path path) throws IOException {
        return load(model, read(path));
    }

    /** Loads a file already read into {@code model} when every key, dtype and shape matches. */
    public static Report load(Block model, WeightFile file) {
        Report r = check(model, file);
        if (!r.fits()) {
            throw new IllegalArgumentException(file.path() + " does not fit " + model.typeName() + ":\n"
                    + String.join("\n", r.check().problems()));
        }
        model.loadStateDict(r.check().adapted(), true);
        return r;
    }
}
