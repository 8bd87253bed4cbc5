package org.rcnn4j.backend.cpu;

/**
 * The sampling geometry of one RoI along one axis (y or x) of roi_align, as bilinear taps.
 *
 * <p>roi_align's sample grid is separable: the sample at (iy, ix) of a bin is valid when its y and its x are
 * both valid, and its four bilinear weights are products hy*hx, hy*lx, ly*hx, ly*lx. So a bin's value is
 * sum over (row r, wy) in Y[ph] of wy * sum over (column c, wx) in X[pw] of wx * input[r, c], where Y[ph] merges
 * the (row, weight) pairs of all samples of bin row ph (the same row reached by several samples is one tap).
 * Computing the taps once per RoI and reusing them for every channel is what makes the CPU version fast; the
 * merge makes large adaptive grids cheap (a bin never has more taps than distinct rows it touches).
 *
 * <p>Tap {@code t} of bin {@code p} for {@code binStart[p] <= t < binStart[p+1]} is (index[t], weight[t]); the
 * weights already hold the 1/count of the bin average when {@link #scale} was applied. Float32 inputs use
 * float32 geometry (as torchvision does), float64 inputs double geometry; weights are summed in double.
 */
final class RoiAlignTaps {
    int bins;
    int[] binStart = new int[8];
    int[] index = new int[32];
    double[] weight = new double[32];
    /** The weights rounded to float, for float32 kernels (filled by {@link #toFloat}). */
    float[] weightF = new float[32];
    private int size;

    /** Sample count along this axis per bin (the grid of one bin). */
    int grid;

    /**
     * Float32 geometry (torchvision's arithmetic for float tensors): bins of {@code pooled} along an axis of
     * {@code extent} cells, for the RoI [c1, c2] in input coordinates.
     */
    void computeF(float c1, float c2, float spatialScale, int pooled, int samplingRatio, boolean aligned,
            int extent) {
        float offset = aligned ? 0.5f : 0f;
        float start = c1 * spatialScale - offset;
        float end = c2 * spatialScale - offset;
        float length = end - start;
        if (!aligned) {
            length = Math.max(length, 1f);
        }
        float bin = length / pooled;
        grid = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(length / pooled);
        reset(pooled);
        for (int p = 0; p < pooled; p++) {
            binStart[p] = size;
            if (extent > 0) {
                for (int i = 0; i < grid; i++) {
                    float y = start + p * bin + (i + .5f) * bin / grid;
                    addSample(y, extent, p);
                }
            }
        }
        binStart[pooled] = size;
    }

    /** Float64 geometry (torchvision's arithmetic for double tensors). */
    void computeD(double c1, double c2, double spatialScale, int pooled, int samplingRatio, boolean aligned,
            int extent) {
        double offset = aligned ? 0.5 : 0;
        double start = c1 * spatialScale - offset;
        double end = c2 * spatialScale - offset;
        double length = end - start;
        if (!aligned) {
            length = Math.max(length, 1);
        }
        double bin = length / pooled;
        grid = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(length / pooled);
        reset(pooled);
        for (int p = 0; p < pooled; p++) {
            binStart[p] = size;
            if (extent > 0) {
                for (int i = 0; i < grid; i++) {
                    double y = start + p * bin + (i + .5) * bin / grid;
                    addSample(y, extent, p);
                }
            }
        }
        binStart[pooled] = size;
    }

    /** Multiplies every weight by {@code factor} (the 1/count of the bin average, put on one axis only). */
    void scale(double factor) {
        for (int t = 0; t < size; t++) {
            weight[t] *= factor;
        }
    }

    /** Multiplies every index by {@code stride} (rows become offsets into a plane). */
    void strideIndices(int stride) {
        for (int t = 0; t < size; t++) {
            index[t] *= stride;
        }
    }

    void toFloat() {
        if (weightF.length < size) {
            weightF = new float[weight.length];
        }
        for (int t = 0; t < size; t++) {
            weightF[t] = (float) weight[t];
        }
    }

    int size() {
        return size;
    }

    private void reset(int pooled) {
        bins = pooled;
        if (binStart.length < pooled + 1) {
            binStart = new int[pooled + 1];
        }
        size = 0;
    }

    /**
     * One sample at coordinate y (already in float or double precision; the rest is exact in double). Outside
     * [-1, extent] it contributes nothing (written so that NaN is outside too); else it is clamped at 0 and
     * split between its two neighbouring cells, both the last cell past extent-1.
     */
    private void addSample(double y, int extent, int bin) {
        if (!(y >= -1.0 && y <= extent)) {
            return;
        }
        if (y <= 0) {
            y = 0;
        }
        int low = (int) y;
        int high;
        if (low >= extent - 1) {
            low = extent - 1;
            high = low;
            y = low;
        } else {
            high = low + 1;
        }
        double l = y - low;
        double h = 1. - l;
        add(low, h, bin);
        add(high, l, bin);
    }

    /**
     * Adds weight w at cell i to the current bin. The samples of a bin move monotonically along the axis, so a
     * repeated cell is among the last three taps; the search never needs to go further.
     */
    private void add(int i, double w, int bin) {
        int from = Math.max(binStart[bin], size - 3);
        for (int t = size - 1; t >= from; t--) {
            if (index[t] == i) {
                weight[t] += w;
                return;
            }
        }
        if (size == index.length) {
            index = java.util.Arrays.copyOf(index, size * 2);
            weight = java.util.Arrays.copyOf(weight, size * 2);
        }
        index[size] = i;
        weight[size] = w;
        size++;
    }
}
