package org.rcnn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One output file name per input, never the same twice: the input's name without its extension, and where
 * several inputs share it (a/same.png and b/same.png, ok.png and ok.jpg) the later ones get "-2", "-3"...,
 * skipping names that another input has anyway. Names are compared ignoring case, so the outputs stay apart on
 * case-insensitive file systems too.
 */
final class OutputNames {
    private OutputNames() {
    }

    /** {@code stems(inputs).get(i) + suffix} is input i's output name. */
    static List<String> stems(List<Path> inputs) {
        List<String> plain = new ArrayList<>(inputs.size());
        Set<String> wanted = new HashSet<>();
        for (Path p : inputs) {
            String s = stem(p);
            plain.add(s);
            wanted.add(key(s));
        }
        Set<String> taken = new HashSet<>();
        List<String> out = new ArrayList<>(inputs.size());
        for (String s : plain) {
            String name = s;
            if (taken.contains(key(name))) {
                for (int k = 2; ; k++) {
                    name = s + "-" + k;
                    if (!taken.contains(key(name)) && !wanted.contains(key(name))) {
                        break;
                    }
                }
            }
            taken.add(key(name));
            out.add(name);
        }
        return out;
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** The file name without its last extension ("image" for a name with none or a bare dot-file). */
    static String stem(Path p) {
        Path f = p.getFileName();
        String n = f == null ? "" : f.toString();
        int dot = n.lastIndexOf('.');
        String s = dot > 0 ? n.substring(0, dot) : n;
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "image" : s;
    }
}
