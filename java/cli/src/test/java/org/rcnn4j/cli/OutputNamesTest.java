package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 17, item 3: detect gives every input its own picture. */
class OutputNamesTest {
    private static List<String> of(String... paths) {
        return OutputNames.stems(List.of(paths).stream().map(Path::of).toList());
    }

    @Test
    void distinctNamesKeepTheirStem() {
        assertEquals(List.of("a", "b"), of("x/a.png", "y/b.jpg"));
    }

    @Test
    void sharedStemsGetNumbersInOrder() {
        assertEquals(List.of("same", "same-2"), of("a/same.png", "b/same.png"));
        assertEquals(List.of("ok", "ok-2", "ok-3"), of("ok.png", "ok.jpg", "d/ok.jpeg"));
    }

    @Test
    void numbersSkipNamesThatAnotherInputHas() {
        assertEquals(List.of("x", "x-3", "x-2"), of("x.png", "x.jpg", "x-2.png"));
    }

    @Test
    void caseDoesNotMakeNamesDifferent() {
        assertEquals(List.of("Img", "img-2"), of("Img.png", "img.png"));
    }

    @Test
    void oddNamesGetAStem() {
        assertEquals(List.of(".hidden", "image", "noext"), of(".hidden", "..", "noext"));
    }
}
