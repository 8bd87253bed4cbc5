package org.rcnn4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;

/** How roi_align and roi_pool split their work over the common fork-join pool. */
final class RoiTasks {
    private RoiTasks() {
    }

    /**
     * Blocks to cut the channels into so that {@code items} x blocks work items keep every core busy (about four
     * items per core, for balance), never more blocks than channels.
     */
    static int channelBlocks(int items, int channels) {
        int workers = ForkJoinPool.getCommonPoolParallelism() + 1;
        long want = 4L * workers;
        if (items >= want) {
            return 1;
        }
        int blocks = (int) ((want + items - 1) / Math.max(items, 1));
        return Math.max(1, Math.min(blocks, channels));
    }

    /** The RoIs of each image, in increasing RoI index (so scatters happen in a fixed order). */
    static int[][] groupByImage(int[] batch, int images) {
        int[] count = new int[images];
        for (int b : batch) {
            count[b]++;
        }
        int[][] out = new int[images][];
        for (int i = 0; i < images; i++) {
            out[i] = new int[count[i]];
            count[i] = 0;
        }
        for (int r = 0; r < batch.length; r++) {
            int b = batch[r];
            out[b][count[b]++] = r;
        }
        return out;
    }
}
