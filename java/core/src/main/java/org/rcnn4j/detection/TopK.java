package org.rcnn4j.detection;

import java.util.Arrays;

/** Host top-k for the proposal filter. */
final class TopK {
    private TopK() {
    }

    /**
     * Offsets (relative to {@code from}) of the k largest of values[from, from+count), largest first; equal values
     * in index order. NaN counts as the largest, as torch.topk orders it.
     */
    static int[] indicesDescending(float[] values, int from, int count, int k) {
        // sort keys: the float's bits mapped to a descending-ordered long, the index in the low bits (stable ties)
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            float v = values[from + i];
            int bits = Float.isNaN(v) ? 0x7fc00000 : Float.floatToIntBits(v == 0f ? 0f : v);
            int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff; // monotone in v as a signed int
            keys[i] = ((long) ~ordered << 32) | i; // ascending key = descending value
        }
        Arrays.sort(keys);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }
}
