package org.rcnn4j.cuda.kernels;

import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.Grid;

/**
 * The pointer-level face of cuda/gather.cu: F32 row gather along dim 0 (index_select) and its adjoint, a
 * scatter-add of rows. A row whose index lies outside [0, rows) gathers NaN and scatters nowhere (the indices are
 * checked on the device by {@link CheckKernels}). Asynchronous on the device's stream.
 */
public final class GatherKernels {
    public static final String ROWS_F32 = "rcnn4j_gather_rows_f32";
    public static final String SCATTER_ADD_ROWS_F32 = "rcnn4j_gather_scatter_add_rows_f32";

    private static final int BLOCK = 256;
    private static final long MAX_THREADS = 1L << 22;

    private GatherKernels() {
    }

    private static long count(long k, long row) {
        if (k < 0 || row < 0) {
            throw new IllegalArgumentException("gather: k and row must be >= 0, got " + k + ", " + row);
        }
        return k * row;
    }

    /** out [k, row] = x[index[r]] for each r; x has {@code rows} rows (NaN rows for indices outside them). */
    public static void rows(CudaDevice device, DeviceBuffer x, DeviceBuffer index, DeviceBuffer out, long k,
            long row, long rows) {
        long n = count(k, row);
        if (n > 0) {
            device.kernel(ROWS_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), x.pointer(), index.pointer(),
                    out.pointer(), k, row, rows);
        }
    }

    /** out[index[r]] += g[r] for each r with index[r] in [0, rows) (atomic adds; out holds the initial values). */
    public static void scatterAddRows(CudaDevice device, DeviceBuffer g, DeviceBuffer index, DeviceBuffer out, long k,
            long row, long rows) {
        long n = count(k, row);
        if (n > 0) {
            device.kernel(SCATTER_ADD_ROWS_F32).launch(Grid.linear(Math.min(n, MAX_THREADS), BLOCK), g.pointer(),
                    index.pointer(), out.pointer(), k, row, rows);
        }
    }
}
