package org.rcnn4j.cli;

import java.util.List;
import java.util.Set;
import org.rcnn4j.detection.TestTimeAugmentation;

/**
 * Test-time augmentation as options of the commands that run a trained detector: --tta (each image and its mirror)
 * and --tta-scales S,S,... (those scales, each mirrored too), fused as {@link TestTimeAugmentation} does.
 */
final class AugmentationArgs {
    static final Set<String> VALUED = Set.of("--tta-scales");
    static final Set<String> FLAGS = Set.of("--tta");

    private AugmentationArgs() {
    }

    static String help() {
        return """
                  --tta             test-time augmentation: also run each image mirrored, and fuse the two
                                    views' detections (weighted boxes fusion); twice the time
                  --tta-scales S,S  run both views at each of these scales of the model's sizes (e.g. 1,1.25;
                                    default 1; implies --tta), each in (0, 4]
                """;
    }

    /** The augmentation asked for, or null for none. */
    static TestTimeAugmentation parse(String command, CommandArgs a) {
        if (!a.has("--tta") && !a.has("--tta-scales")) {
            return null;
        }
        return flipsAt(command, a.string("--tta-scales", "1"));
    }

    /** Flips at the comma-separated scales {@code list}. */
    static TestTimeAugmentation flipsAt(String command, String list) {
        try {
            return TestTimeAugmentation.flipsAt(list);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --tta-scales: " + e.getMessage().replaceFirst("^scales: ", ""));
        }
    }

    /** "each image and its mirror at scales 1 and 1.25": what the views are, for a printed line. */
    static String describe(TestTimeAugmentation t) {
        List<String> s = t.scales().stream().map(v -> v % 1 == 0 ? String.valueOf(v.longValue())
                : String.valueOf(v)).toList();
        String scales = s.size() == 1 ? "scale " + s.get(0)
                : "scales " + String.join(", ", s.subList(0, s.size() - 1)) + " and " + s.get(s.size() - 1);
        return (t.flip() ? "each image and its mirror at " : "each image at ") + scales + ", " + t.views()
                + " views fused";
    }
}
