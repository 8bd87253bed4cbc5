package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/anchors.cu: torchvision's AnchorGenerator for one feature level. Asynchronous on
 * the device's stream.
 */
public final class AnchorsKernels {
    public static final String GRID_F32 = "rcnn4j_anchors_grid_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private AnchorsKernels() {
    }

    /**
     * out [featureHeight*featureWidth*A, 4] F32 (A = numSizes*numRatios), ordered y, x, ratio, size, from sizes
     * [numSizes] I32 and aspect ratios [numRatios] F32 on the device, with the given strides.
     */
    public static void anchors(CudaDevice device, CUdeviceptr sizes, int numSizes, CUdeviceptr aspectRatios,
            int numRatios, int featureHeight, int featureWidth, int strideHeight, int strideWidth, CUdeviceptr out) {
        if (numSizes < 1 || numRatios < 1 || featureHeight < 0 || featureWidth < 0) {
            throw new IllegalArgumentException("anchors: bad sizes numSizes=" + numSizes + " numRatios=" + numRatios
                    + " feature " + featureHeight + "x" + featureWidth);
        }
        long total = (long) featureHeight * featureWidth * numSizes * numRatios;
        if (total == 0) {
            return;
        }
        device.kernel(GRID_F32).launch(Grid.linear(Math.min(total, MAX_THREADS), BLOCK), sizes, numSizes,
                aspectRatios, numRatios, featureHeight, featureWidth, strideHeight, strideWidth, out);
    }

    public static void anchors(CudaDevice device, DeviceBuffer sizes, int numSizes, DeviceBuffer aspectRatios,
            int numRatios, int featureHeight, int featureWidth, int strideHeight, int strideWidth, DeviceBuffer out) {
        anchors(device, sizes.pointer(), numSizes, aspectRatios.pointer(), numRatios, featureHeight, featureWidth,
                strideHeight, strideWidth, out.pointer());
    }
}
