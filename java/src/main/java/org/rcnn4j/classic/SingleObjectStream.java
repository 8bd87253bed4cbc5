package org.rcnn4j.classic;

import java.util.stream.IntStream;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;

/**
 * An endless, deterministic run of the one-item scenes of {@link SingleObjectScenes} (same renderer, same
 * {@link SingleObjectScenes#config}), rendered batch by batch instead of held in memory: every batch is new scenes
 * (new tint, scale, position and background), so a long pretraining never sees a scene twice. The sequence depends
 * only on (split, size, seed): the k-th batch is the same whichever thread renders it.
 */
public final class SingleObjectStream {
    private final FashionMnistScenes candidates;
    private final int size;
    private long cursor;

    public SingleObjectStream(FashionMnist.Split split, int size, long seed) {
        this.size = size;
        this.candidates = new FashionMnistScenes(FashionMnist.bundled(split), SingleObjectScenes.config(size), seed,
                Integer.MAX_VALUE);
    }

    public int size() {
        return size;
    }

    /** The next {@code count} scenes: images [count,3,S,S] in [0, 1], class indices 0..9 and pixel boxes. */
    public Batch next(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        int plane = 3 * size * size;
        float[] images = new float[count * plane];
        long[] labels = new long[count];
        float[] boxes = new float[count * 4];
        int n = 0;
        while (n < count) {
            // a single item is rarely dropped (only when tiny and faint): a few spare candidates cover it
            int want = count - n + 4;
            if (cursor + want > Integer.MAX_VALUE) {
                throw new IllegalStateException("the one-item scene stream is exhausted after " + cursor + " scenes");
            }
            int from = (int) cursor;
            Sample[] rendered = IntStream.range(from, from + want).parallel().mapToObj(candidates::get)
                    .toArray(Sample[]::new);
            for (int i = 0; i < want && n < count; i++) {
                cursor = from + i + 1L;
                Sample s = rendered[i];
                if (s.count() != 1) {
                    continue;
                }
                System.arraycopy(s.image().floats(), 0, images, n * plane, plane);
                labels[n] = s.labels().longs()[0] - 1;
                System.arraycopy(s.boxes().floats(), 0, boxes, n * 4, 4);
                n++;
            }
        }
        return new Batch(images, labels, boxes);
    }

    /**
     * Images [N,3,S,S] flattened, values in [0, 1]; class indices 0..9; the items' boxes [N,4] as (x1, y1, x2, y2)
     * in pixels.
     */
    public record Batch(float[] images, long[] labels, float[] boxes) {
    }
}
