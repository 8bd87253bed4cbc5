package org.rcnn4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

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

    /** One work item: {@code item} over the channels [c0, c1). */
    @FunctionalInterface
    interface ChannelBlockTask {
        void run(int item, int c0, int c1);
    }

    /**
     * Runs {@code task} in parallel for every (item, block of channels), the blocks from {@link #channelBlocks};
     * blocks left empty by the rounding are skipped.
     */
    static void forEachChannelBlock(int items, int channels, ChannelBlockTask task) {
        int blocks = channelBlocks(items, channels);
        int perBlock = (channels + blocks - 1) / blocks;
        IntStream.range(0, items * blocks).parallel().forEach(t -> {
            int c0 = (t % blocks) * perBlock;
            int c1 = Math.min(channels, c0 + perBlock);
            if (c0 < c1) {
                task.run(t / blocks, c0, c1);
            }
        });
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
