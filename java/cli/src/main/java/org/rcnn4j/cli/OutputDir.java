package org.rcnn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rcnn4j.viz.Headless;

/** A command's --out directory made ready before the long work starts, so a bad path fails in the first second. */
final class OutputDir {
    private OutputDir() {
    }

    /** Creates {@code dir} (when not null) and puts AWT in headless mode for the pictures written into it. */
    static void prepare(String command, Path dir) {
        Headless.ensure();
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException(command + ": cannot create " + dir + ": " + Main.describe(e));
        }
    }
}
