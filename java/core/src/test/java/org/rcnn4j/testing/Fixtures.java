package org.rcnn4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Tensor;

/**
 * torchvision fixtures: java/core/src/test/resources/fixtures/NAME.safetensors, made by the scripts in
 * java/core/src/test/fixtures/ (Debian's python3-torchvision; never needed by CI, which reads the committed files).
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static Map<String, Tensor> load(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name + ".safetensors");
        if (url == null) {
            throw new IllegalStateException("missing fixture " + name + ".safetensors: run the generator in "
                    + "java/core/src/test/fixtures/");
        }
        try {
            return Safetensors.read(Path.of(url.toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
