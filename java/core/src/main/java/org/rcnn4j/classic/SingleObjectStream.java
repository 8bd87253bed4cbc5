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
    /** Scenes rendered at once (in parallel): bounded so memory stays small however many are asked for. */
    private static final int RENDER_CHUNK = 256;

    private final FashionMnistScenes scenes;
    private final int size;
    private long cursor;

    public SingleObjectStream(FashionMnist.Split split, int size, long seed) {
        this.size = size;
        this.scenes = new FashionMnistScenes(FashionMnist.bundled(split), SingleObjectScenes.config(size), seed,
                Integer.MAX_VALUE);
    }

    public int size() {
        return size;
    }

    /** The next {@code count} scenes: images [count,3,S,S] in [0, 1], class indices 0..9 and pixel boxes. */
    public Batch next(int count) {
        return next(count, Integer.MAX_VALUE);
    }

    /**
     * {@link #next(int)}, failing once the candidate scenes up to index {@code candidates} (counted from the stream's
     * start) are used up: the bound a fixed-size set of scenes puts on its search.
     */
    Batch next(int count, int candidates) {
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
            int want = (int) Math.min(Math.min(count - n + 4, RENDER_CHUNK), candidates - cursor);
            if (want <= 0) {
                throw new IllegalStateException("only " + n + " of " + candidates + " scenes kept their item");
            }
            int from = (int) cursor;
            // scene i depends only on the seed and i: render in parallel, keep the sequential choice
            Sample[] rendered = IntStream.range(from, from + want).parallel().mapToObj(scenes::get)
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
