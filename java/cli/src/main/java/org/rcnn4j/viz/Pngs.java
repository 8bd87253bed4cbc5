package org.rcnn4j.viz;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.rcnn4j.io.AtomicFiles;

/** Writes PNG files atomically (temporary file, then rename): a reader never sees half a picture. */
public final class Pngs {
    private Pngs() {
    }

    public static void write(Path target, RenderedImage image) throws IOException {
        Headless.ensure();
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }
}
