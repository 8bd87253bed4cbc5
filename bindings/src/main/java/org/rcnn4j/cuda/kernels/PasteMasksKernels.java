package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/paste_masks.cu: roi_heads.paste_masks_in_image on device memory, one launch on
 * the device's stream, no host sync. Shapes are not checked here beyond signs; callers pass float32, row-major
 * buffers of the stated sizes.
 */
public final class PasteMasksKernels {
    /** Kernel name in rcnn4j's fatbin. */
    public static final String PASTE_F32 = "rcnn4j_paste_masks_f32";
    /** Kernel name in rcnn4j's fatbin: the paste of one window per mask. */
    public static final String PASTE_WINDOWS_F32 = "rcnn4j_paste_masks_windows_f32";

    // the launch shape cuda/paste_masks.cu is written for: 32 x 8 threads, each walking 4 rows
    private static final int BLOCK_X = 32;
    private static final int BLOCK_Y = 8;
    private static final int ROWS_PER_THREAD = 4;
    private static final int MAX_GRID_YZ = 65535;

    private PasteMasksKernels() {
    }

    /**
     * Pastes masks [numMasks,1,maskSize,maskSize] (F32) into out [numMasks,1,imageHeight,imageWidth] (F32) at
     * boxes [numMasks,4] (F32 x1,y1,x2,y2), each mask zero-padded by {@code padding}. Every element of out is
     * written (zero outside the box), so out needs no clearing. Asynchronous on the device's stream.
     */
    public static void paste(CudaDevice device, CUdeviceptr masks, CUdeviceptr boxes, CUdeviceptr out, int numMasks,
            int maskSize, int padding, int imageHeight, int imageWidth) {
        if (numMasks < 0 || maskSize < 1 || padding < 0 || imageHeight < 0 || imageWidth < 0) {
            throw new IllegalArgumentException("paste_masks: bad sizes numMasks=" + numMasks + " maskSize=" + maskSize
                    + " padding=" + padding + " imageHeight=" + imageHeight + " imageWidth=" + imageWidth);
        }
        if (numMasks == 0 || imageHeight == 0 || imageWidth == 0) {
            return;
        }
        int gx = (imageWidth + BLOCK_X - 1) / BLOCK_X;
        int rowTile = BLOCK_Y * ROWS_PER_THREAD;
        int gy = Math.min((imageHeight + rowTile - 1) / rowTile, MAX_GRID_YZ);
        int gz = Math.min(numMasks, MAX_GRID_YZ);
        device.kernel(PASTE_F32).launch(Grid.of(gx, gy, gz, BLOCK_X, BLOCK_Y, 1), masks, boxes, out, numMasks,
                maskSize, padding, imageHeight, imageWidth);
    }

    /** {@link #paste(CudaDevice, CUdeviceptr, CUdeviceptr, CUdeviceptr, int, int, int, int, int)} on buffers. */
    public static void paste(CudaDevice device, DeviceBuffer masks, DeviceBuffer boxes, DeviceBuffer out,
            int numMasks, int maskSize, int padding, int imageHeight, int imageWidth) {
        paste(device, masks.pointer(), boxes.pointer(), out.pointer(), numMasks, maskSize, padding, imageHeight,
                imageWidth);
    }

    /**
     * Pastes masks [numMasks,1,maskSize,maskSize] (F32) at boxes [numMasks,4] as {@link #paste} does, but writes only
     * window k of mask k: {@code windows} holds int32 x0, y0, x1, y1 per mask (half-open, inside the image),
     * {@code offsets} int64 per mask, where in {@code out} (F32) window k starts, row-major. Every element of every
     * window is written. {@code widest} and {@code tallest} are the largest window's width and height (the grid's
     * extent). Asynchronous on the device's stream.
     */
    public static void pasteInWindows(CudaDevice device, DeviceBuffer masks, DeviceBuffer boxes, DeviceBuffer windows,
            DeviceBuffer offsets, DeviceBuffer out, int numMasks, int maskSize, int padding, int imageHeight,
            int imageWidth, int widest, int tallest) {
        if (numMasks < 0 || maskSize < 1 || padding < 0 || imageHeight < 0 || imageWidth < 0 || widest < 0
                || tallest < 0) {
            throw new IllegalArgumentException("paste_masks windows: bad sizes numMasks=" + numMasks + " maskSize="
                    + maskSize + " padding=" + padding + " imageHeight=" + imageHeight + " imageWidth=" + imageWidth
                    + " widest=" + widest + " tallest=" + tallest);
        }
        if (numMasks == 0 || widest == 0 || tallest == 0) {
            return;
        }
        int gx = (widest + BLOCK_X - 1) / BLOCK_X;
        int rowTile = BLOCK_Y * ROWS_PER_THREAD;
        int gy = Math.min((tallest + rowTile - 1) / rowTile, MAX_GRID_YZ);
        int gz = Math.min(numMasks, MAX_GRID_YZ);
        device.kernel(PASTE_WINDOWS_F32).launch(Grid.of(gx, gy, gz, BLOCK_X, BLOCK_Y, 1), masks.pointer(),
                boxes.pointer(), windows.pointer(), offsets.pointer(), out.pointer(), numMasks, maskSize, padding,
                imageHeight, imageWidth);
    }
}
