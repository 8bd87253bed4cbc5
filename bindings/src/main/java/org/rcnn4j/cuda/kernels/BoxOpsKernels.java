package org.rcnn4j.cuda.kernels;

import jcuda.driver.CUdeviceptr;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/box_ops.cu: torchvision.ops.box_iou, clip_boxes_to_image and remove_small_boxes
 * on device memory (F32 boxes, row-major). Asynchronous on the device's stream, except removeSmallBoxes, which
 * reads back its count.
 */
public final class BoxOpsKernels {
    public static final String IOU = "rcnn4j_box_ops_iou_f32";
    public static final String CLIP = "rcnn4j_box_ops_clip_f32";
    public static final String REMOVE_SMALL = "rcnn4j_box_ops_remove_small_f32";

    private static final int BLOCK = 256;
    private static final int COMPACT_THREADS = 1024;
    private static final int MAX_GRID_Y = 65535;
    private static final long MAX_THREADS = 1L << 22;

    private BoxOpsKernels() {
    }

    /** out [n,m] = IoU of boxes1 [n,4] against boxes2 [m,4]. */
    public static void boxIou(CudaDevice device, CUdeviceptr boxes1, CUdeviceptr boxes2, int n, int m,
            CUdeviceptr out) {
        if (n < 0 || m < 0) {
            throw new IllegalArgumentException("box_iou: bad sizes n=" + n + " m=" + m);
        }
        if (n == 0 || m == 0) {
            return;
        }
        int gx = (m + BLOCK - 1) / BLOCK;
        device.kernel(IOU).launch(Grid.of(gx, Math.min(n, MAX_GRID_Y), 1, BLOCK, 1, 1), boxes1, boxes2, n, m, out);
    }

    /** out = boxes [rows,4] with x clamped into [0,width] and y into [0,height] (NaN stays NaN). */
    public static void clipBoxesToImage(CudaDevice device, CUdeviceptr boxes, long rows, int height, int width,
            CUdeviceptr out) {
        if (rows < 0 || height < 0 || width < 0) {
            throw new IllegalArgumentException("clip_boxes_to_image: bad sizes rows=" + rows + " height=" + height
                    + " width=" + width);
        }
        if (rows == 0) {
            return;
        }
        long count = 4 * rows;
        device.kernel(CLIP).launch(Grid.linear(Math.min(count, MAX_THREADS), BLOCK), boxes, out, count,
                (float) height, (float) width);
    }

    /**
     * keep[0..count) (I64, ascending) = indices of boxes [n,4] whose width and height are both &ge; minSize;
     * returns count (one host sync). keep must hold n longs.
     */
    public static int removeSmallBoxes(CudaDevice device, CUdeviceptr boxes, int n, float minSize, CUdeviceptr keep) {
        if (n < 0) {
            throw new IllegalArgumentException("n: expected >= 0, got " + n);
        }
        if (n == 0) {
            return 0;
        }
        try (DeviceBuffer count = device.allocate(4)) {
            device.kernel(REMOVE_SMALL).launch(Grid.of(1, 1, 1, COMPACT_THREADS, 1, 1), boxes, n, minSize, keep,
                    count);
            int[] k = new int[1];
            device.copyDeviceToHost(k, count);
            return k[0];
        }
    }

    public static void boxIou(CudaDevice device, DeviceBuffer boxes1, DeviceBuffer boxes2, int n, int m,
            DeviceBuffer out) {
        boxIou(device, boxes1.pointer(), boxes2.pointer(), n, m, out.pointer());
    }

    public static void clipBoxesToImage(CudaDevice device, DeviceBuffer boxes, long rows, int height, int width,
            DeviceBuffer out) {
        clipBoxesToImage(device, boxes.pointer(), rows, height, width, out.pointer());
    }

    public static int removeSmallBoxes(CudaDevice device, DeviceBuffer boxes, int n, float minSize,
            DeviceBuffer keep) {
        return removeSmallBoxes(device, boxes.pointer(), n, minSize, keep.pointer());
    }
}
