package org.rcnn4j.coco;

/**
 * COCOeval's parameters for detection: IoU thresholds 0.50:0.05:0.95 and recall thresholds 0:0.01:1 as
 * np.linspace computes them, maxDets [1, 10, 100], area ranges all/small/medium/large.
 */
public record CocoParams(IouType iouType, double[] iouThrs, double[] recThrs, int[] maxDets, double[][] areaRng,
        String[] areaRngLbl, boolean useCats) {

    public enum IouType {
        BBOX, SEGM
    }

    public static CocoParams defaults(IouType iouType) {
        return new CocoParams(iouType, linspace(.5, .95, 10), linspace(0, 1, 101), new int[] {1, 10, 100},
                new double[][] {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}},
                new String[] {"all", "small", "medium", "large"}, true);
    }

    public CocoParams withUseCats(boolean use) {
        return new CocoParams(iouType, iouThrs, recThrs, maxDets, areaRng, areaRngLbl, use);
    }

    /** np.linspace(start, stop, num): i * step + start, the last point exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] y = new double[num];
        for (int i = 0; i < num; i++) {
            double v = i * step;
            y[i] = v + start;
        }
        y[num - 1] = stop;
        return y;
    }
}
