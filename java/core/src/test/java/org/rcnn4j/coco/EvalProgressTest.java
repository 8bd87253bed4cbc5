package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The evaluation's progress line and clock (moved here from the CLI's DetectionEvaluationTest: package-private). */
class EvalProgressTest {

    @Test
    void progressLines() {
        assertEquals("eval: 40/100 images, 0.250 s/image, ETA 0:15", EvalProgress.line(40, 100, 10.0));
        assertEquals("eval: 100/100 images, 0.250 s/image, took 0:25", EvalProgress.line(100, 100, 25.0));
        assertEquals("1:01:05", EvalProgress.clock(3665));
    }
}
