package org.rcnn4j.detection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** torchvision's state_dict layouts: fixtures/model_keys/NAME.txt (java/core/src/test/fixtures/gen_model_keys.py). */
record ModelKeysFixture(List<Entry> entries, long parameterElements, long trainableElements, long bufferElements) {

    /** kind: P trainable parameter, F frozen parameter, B buffer. */
    record Entry(String key, String shape, char kind) {
    }

    private static final Pattern HEADER = Pattern.compile(
            "# torchvision \\S+ \\S+: (\\d+) keys, (\\d+) parameter elements \\((\\d+) trainable\\), (\\d+) buffer "
                    + "elements, (\\d+) total");

    static ModelKeysFixture load(String name) {
        List<String> lines = lines("/fixtures/model_keys/" + name + ".txt");
        Matcher h = HEADER.matcher(lines.get(0));
        if (!h.matches()) {
            throw new IllegalStateException("bad header in " + name + ": " + lines.get(0));
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            entries.add(new Entry(f[0], f[1], f[2].charAt(0)));
        }
        if (entries.size() != Integer.parseInt(h.group(1))) {
            throw new IllegalStateException(name + ": header says " + h.group(1) + " keys, found " + entries.size());
        }
        return new ModelKeysFixture(List.copyOf(entries), Long.parseLong(h.group(2)), Long.parseLong(h.group(3)),
                Long.parseLong(h.group(4)));
    }

    static List<String> lines(String resource) {
        try (InputStream in = ModelKeysFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource + ": run java/core/src/test/fixtures/"
                        + "gen_model_keys.py");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
