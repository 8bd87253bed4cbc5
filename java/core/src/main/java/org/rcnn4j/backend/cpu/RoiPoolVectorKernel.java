package org.rcnn4j.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RoiPoolChannelsLast} with the preferred vector species. The running maxima and argmaxes live in the
 * scratch arrays, not in registers across the cell loop: carried in registers, C2 (JDK 17) boxed them and the
 * kernel ran eight times slower.
 */
final class RoiPoolVectorKernel extends RoiPoolChannelsLast {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    int lanes() {
        return S.length();
    }

    @Override
    void pool(float[] in, int imageOffset, int c, int w, int[] rows, int[] cols, int c0, int c1, float[] max,
            float[] arg) {
        int ph = rows.length / 2;
        int pw = cols.length / 2;
        int cb = c1 - c0;
        int vectorEnd = S.loopBound(cb);
        for (int py = 0; py < ph; py++) {
            int y0 = rows[2 * py];
            int y1 = rows[2 * py + 1];
            for (int px = 0; px < pw; px++) {
                int x0 = cols[2 * px];
                int x1 = cols[2 * px + 1];
                int bo = (py * pw + px) * cb;
                boolean empty = y1 <= y0 || x1 <= x0;
                Arrays.fill(max, bo, bo + cb, empty ? 0f : -Float.MAX_VALUE);
                Arrays.fill(arg, bo, bo + cb, -1f);
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int cell = y * w + x;
                        int src = imageOffset + cell * c + c0;
                        FloatVector index = FloatVector.broadcast(S, (float) cell);
                        int j = 0;
                        for (; j < vectorEnd; j += S.length()) {
                            FloatVector v = FloatVector.fromArray(S, in, src + j);
                            FloatVector m = FloatVector.fromArray(S, max, bo + j);
                            VectorMask<Float> greater = v.compare(VectorOperators.GT, m);
                            m.blend(v, greater).intoArray(max, bo + j);
                            FloatVector.fromArray(S, arg, bo + j).blend(index, greater).intoArray(arg, bo + j);
                        }
                        for (; j < cb; j++) {
                            float v = in[src + j];
                            if (v > max[bo + j]) {
                                max[bo + j] = v;
                                arg[bo + j] = cell;
                            }
                        }
                    }
                }
            }
        }
    }
}
