package org.rcnn4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rcnn4j.detector.DetectorWeights;

/**
 * The options that name a trained detector, shared by detect and eval: --weights FILE (an rcnn4j model file, or a
 * torchvision .pth / safetensors state dict), --model NAME (required for the latter) and --classes FILE (one class
 * name per line, in label order, without the background; default: the model file's, or COCO's for a .pth).
 */
final class ModelArgs {
    static final Set<String> OPTIONS = Set.of("--weights", "--model", "--classes");

    private ModelArgs() {
    }

    static String help() {
        return """
                  --weights FILE    model.safetensors from rcnn4j train/demo, or a torchvision .pth (zip or legacy,
                                    a state_dict or a checkpoint holding one) with --model
                  --model NAME      %s; a .pth names no model
                  --classes FILE    class names, one per line in label order, without the background (default:
                                    the model file's; COCO's 91 entries with torchvision's N/A gaps for a .pth)
                """.formatted(String.join(", ", DetectorWeights.detectorNames()));
    }

    static DetectorWeights read(String command, CommandArgs a) {
        Path weights = a.requiredPath("--weights", "FILE");
        String model = a.string("--model", null);
        List<String> classes = a.has("--classes") ? classNames(command, a.path("--classes")) : null;
        try {
            return DetectorWeights.read(weights, model, classes);
        } catch (IOException e) {
            throw new UsageException(command + ": " + Main.describe(e));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.startsWith("model: ") && model == null) {
                m = m.substring("model: ".length()) + " with --model";
            }
            throw new UsageException(command + ": " + oneLine(m));
        }
    }

    /** A message listing problems one per line (a file that does not fit) as one line: the first three and a count. */
    static String oneLine(String message) {
        String[] lines = message.split("\n");
        if (lines.length == 1) {
            return message;
        }
        StringBuilder sb = new StringBuilder(lines[0]);
        int shown = Math.min(3, lines.length - 1);
        for (int i = 1; i <= shown; i++) {
            sb.append(i == 1 ? " " : "; ").append(lines[i]);
        }
        if (lines.length - 1 > shown) {
            sb.append("; and ").append(lines.length - 1 - shown).append(" more");
        }
        return sb.toString();
    }

    private static List<String> classNames(String command, Path file) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UsageException(command + ": --classes: " + Main.describe(e));
        }
        if (names.isEmpty()) {
            throw new UsageException(command + ": --classes: " + file + " names no class");
        }
        return names;
    }
}
