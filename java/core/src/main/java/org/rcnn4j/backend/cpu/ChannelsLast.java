package org.rcnn4j.backend.cpu;

import java.util.stream.IntStream;

/**
 * Copies between a batch of maps in torch's layout [N, C, H*W] and channels-last [N, H*W, C], where a vector
 * holds several channels of one cell: the layout of the RoI kernels' vector forms ({@link RoiPoolChannelsLast},
 * {@link RoiAlignChannelsLast}).
 */
final class ChannelsLast {
    /** Channels moved per work item: their planes stay in cache while the cells are visited. */
    private static final int BLOCK = 64;

    private ChannelsLast() {
    }

    /** [N, C, cells] as a new [N, cells, C]. */
    static float[] copy(float[] in, int n, int c, int cells) {
        float[] t = new float[in.length];
        forEachBlock(n, c, cells, (base, ch0, ch1) -> {
            for (int cell = 0; cell < cells; cell++) {
                int dst = base + cell * c;
                for (int ch = ch0; ch < ch1; ch++) {
                    t[dst + ch] = in[base + ch * cells + cell];
                }
            }
        });
        return t;
    }

    /** [N, cells, C] written into {@code out} as [N, C, cells]. */
    static void copyBack(float[] nhwc, float[] out, int n, int c, int cells) {
        forEachBlock(n, c, cells, (base, ch0, ch1) -> {
            for (int cell = 0; cell < cells; cell++) {
                int src = base + cell * c;
                for (int ch = ch0; ch < ch1; ch++) {
                    out[base + ch * cells + cell] = nhwc[src + ch];
                }
            }
        });
    }

    /** One work item: the channels [ch0, ch1) of the image whose maps start at {@code imageBase}. */
    private interface BlockTask {
        void run(int imageBase, int ch0, int ch1);
    }

    private static void forEachBlock(int n, int c, int cells, BlockTask task) {
        int blocks = (c + BLOCK - 1) / BLOCK;
        IntStream.range(0, n * blocks).parallel().forEach(t -> {
            int ch0 = (t % blocks) * BLOCK;
            task.run((t / blocks) * c * cells, ch0, Math.min(c, ch0 + BLOCK));
        });
    }
}
