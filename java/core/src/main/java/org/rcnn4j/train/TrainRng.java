package org.rcnn4j.train;

import java.util.random.RandomGenerator;

/**
 * The training loop's random source (data order, augmentation): SplitMix64, whose whole state is one long, so a
 * checkpoint can store it as text and a resumed run draws the same numbers. Not thread-safe.
 */
public final class TrainRng implements RandomGenerator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public TrainRng(long seed) {
        this.state = seed;
    }

    @Override
    public long nextLong() {
        long z = (state += GOLDEN);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The state as 16 hex digits. */
    public String state() {
        return String.format("%016x", state);
    }

    /** Restores a state written by {@link #state()}. */
    public void restore(String hex) {
        if (hex == null || !hex.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("RNG state must be 16 hex digits, got '" + hex + "'");
        }
        state = Long.parseUnsignedLong(hex, 16);
    }
}
