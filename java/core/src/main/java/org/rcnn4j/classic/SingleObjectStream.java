package org.rcnn4j.classic;

import java.util.Arrays;
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
        Batch out = emptyBatch(count);
        int n = 0;
        while (n < count) {
            // a single item is rarely dropped (only when tiny and faint): a few spare candidates cover it
            int want = (int) Math.min(Math.min(count - n + 4, RENDER_CHUNK), candidates - cursor);
            if (want <= 0) {
                throw new IllegalStateException("only " + n + " of " + candidates + " scenes kept their item");
            }
            int from = (int) cursor;
            Sample[] rendered = render(from, want);
            for (int i = 0; i < want && n < count; i++) {
                cursor = from + i + 1L;
                n = keep(rendered[i], out, n);
            }
        }
        return out;
    }

    /**
     * Batch {@code index} of a fixed layout, independent of {@link #next}: of the scenes from
     * index * (count + spare) on, the first {@code count} that kept their item, fewer in the rare batch where more
     * than the spare candidates lost theirs (failing if all did). It depends on (split, size, seed, index, count)
     * alone, so a run resumed at any step draws the batches the uninterrupted run drew.
     */
    public Batch batchAt(long index, int count) {
        if (count < 1 || count > RENDER_CHUNK) {
            throw new IllegalArgumentException("count must be 1.." + RENDER_CHUNK + ", got " + count);
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        int spare = count / 4 + 4;
        long first = index * (count + spare);
        if (first + count + spare > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("index " + index + " is past the last batch of " + count);
        }
        Sample[] rendered = render((int) first, count + spare);
        Batch all = emptyBatch(count);
        int n = 0;
        for (int i = 0; i < rendered.length && n < count; i++) {
            n = keep(rendered[i], all, n);
        }
        if (n == 0) {
            throw new IllegalStateException("none of the " + (count + spare) + " candidate scenes of batch " + index
                    + " kept its item");
        }
        return n == count ? all : new Batch(Arrays.copyOf(all.images(), n * plane()),
                Arrays.copyOf(all.labels(), n), Arrays.copyOf(all.boxes(), n * 4));
    }

    /** Scenes from..from+count-1; scene i depends only on the seed and i, so they render in parallel. */
    private Sample[] render(int from, int count) {
        return IntStream.range(from, from + count).parallel().mapToObj(scenes::get).toArray(Sample[]::new);
    }

    /** Floats of one [3, size, size] image. */
    private int plane() {
        return 3 * size * size;
    }

    /** A batch of count rows to fill with {@link #keep}. */
    private Batch emptyBatch(int count) {
        return new Batch(new float[count * plane()], new long[count], new float[count * 4]);
    }

    /** Copies s into row n of out when it kept its item; returns the rows filled. */
    private int keep(Sample s, Batch out, int n) {
        if (s.count() != 1) {
            return n;
        }
        int plane = plane();
        System.arraycopy(s.image().floats(), 0, out.images(), n * plane, plane);
        out.labels()[n] = s.labels().longs()[0] - 1;
        System.arraycopy(s.boxes().floats(), 0, out.boxes(), n * 4, 4);
        return n + 1;
    }

    /**
     * Images [N,3,S,S] flattened, values in [0, 1]; class indices 0..9; the items' boxes [N,4] as (x1, y1, x2, y2)
     * in pixels.
     */
    public record Batch(float[] images, long[] labels, float[] boxes) {
    }
}
