package org.rcnn4j.backend.cpu;

/**
 * roi_pool's F32 forward on a channels-last copy of the map, many channels at once: one vector compare and two
 * blends per cell and channel group, no branch per element. On NCHW the scalar form walks each channel's bins
 * with a data-dependent branch per element (about half of them mispredicted on real features); this form, with
 * its transposed copy of the map, measured 5 to 10 times faster with AVX-512 and with AVX2. Each lane keeps the
 * scalar form's semantics: cells in row-major order, strict {@code >} from -FLT_MAX, so the first maximum wins and
 * NaN never does; an empty bin gives 0 and -1.
 *
 * <p>Loaded by name from {@link #best()} only when jdk.incubator.vector is present, and used by {@link RoiPoolCpu}
 * once compiled ({@link VectorWarmUp}).
 */
abstract class RoiPoolChannelsLast {
    /** Cell indices are carried as floats: exact below 2^24. */
    static final int MAX_CELLS = 1 << 24;

    /** Channels one vector holds; fewer channels than this are left to the scalar form. */
    abstract int lanes();

    /**
     * Pools channels [c0, c1) of one RoI: {@code in} is channels-last (cell-major, {@code c} channels a cell), the
     * RoI's image starting at {@code imageOffset}; {@code rows}/{@code cols} are the bins' edges
     * ({@link RoiPoolCpu#binsF}). Writes bin b's maximum and argmax (a cell index y * w + x, as a float) of channel
     * c0 + j to {@code max[b * (c1 - c0) + j]} and {@code arg[...]}.
     */
    abstract void pool(float[] in, int imageOffset, int c, int w, int[] rows, int[] cols, int c0, int c1,
            float[] max, float[] arg);

    /** The Vector API form, or null where the JVM lacks jdk.incubator.vector or -Drcnn4j.cpu.vector=false. */
    static RoiPoolChannelsLast best() {
        return VectorForms.load("RoiPoolVectorKernel", RoiPoolChannelsLast.class);
    }
}
