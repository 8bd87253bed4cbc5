package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.train.DetectionEvaluation;

/** compare's options and its table; the full run takes half an hour and is not a unit test. */
class CompareCommandTest {
    @Test
    void helpNamesTheFourSystems() {
        String out = Cli.run("compare", "--help").assertOk().out();
        for (String s : List.of("R-CNN", "Fast R-CNN", "Faster R-CNN", "Mask R-CNN", "--test-scenes")) {
            assertTrue(out.contains(s), s);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        Cli.run("compare", "--test-scenes", "0").assertUsageError("compare: --test-scenes must be in 1..");
        Cli.run("compare", "--steps", "x").assertUsageError("compare: --steps must be an integer");
        Cli.run("compare", "--bogus").assertUsageError("compare: unknown option '--bogus'");
        Cli.run("compare", "--device", "tpu").assertUsageError("tpu");
    }

    @Test
    void tableHasARowPerSystemWithMaskColumnsOnlyForMaskRcnn() {
        DetectionEvaluation.Summary box = summary(CocoParams.IouType.BBOX, 0.25);
        DetectionEvaluation.Summary mask = summary(CocoParams.IouType.SEGM, 0.125);
        String t = CompareCommand.table(List.of(
                new CompareCommand.Row("Fast R-CNN", new DetectionEvaluation.Result(box, null, List.of(), 2, 0.01),
                        12.4, 30),
                new CompareCommand.Row("Mask R-CNN", new DetectionEvaluation.Result(box, mask, List.of(), 2, 0.02),
                        20, 60)), 10, 2, 5, 0);
        assertTrue(t.contains("| Fast R-CNN | 0.250 | 0.500 | 0.750 | - | - | 12 | 30 |"), t);
        assertTrue(t.contains("| Mask R-CNN | 0.250 | 0.500 | 0.750 | 0.125 | 0.250 | 20 | 60 |"), t);
    }

    private static DetectionEvaluation.Summary summary(CocoParams.IouType type, double ap) {
        double[] stats = new double[12];
        stats[0] = ap;
        stats[1] = 2 * ap;
        stats[2] = 3 * ap;
        return new DetectionEvaluation.Summary(type, stats, "", new long[0], List.of(), new double[0]);
    }
}
