package org.rcnn4j.cuda;

/** A launch shape: grid and block extents and dynamic shared memory bytes. */
public record Grid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

    /** Enough blocks of {@code blockSize} threads to cover {@code n} threads along x (at least one block). */
    public static Grid linear(long n, int blockSize) {
        long blocks = Math.max(1, (n + blockSize - 1) / blockSize);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("n: " + n + " threads need more than 2^31-1 blocks");
        }
        return new Grid((int) blocks, 1, 1, blockSize, 1, 1, 0);
    }

    public static Grid of(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
        return new Grid(gridX, gridY, gridZ, blockX, blockY, blockZ, 0);
    }

    public Grid withSharedBytes(int bytes) {
        return new Grid(gridX, gridY, gridZ, blockX, blockY, blockZ, bytes);
    }
}
