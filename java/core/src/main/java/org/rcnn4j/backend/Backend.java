package org.rcnn4j.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.rcnn4j.tensor.Tensor;

/**
 * The seam between rcnn4j's layers and its two implementations of every op: {@code cpu} (pure Java, the
 * reference) and {@code cuda} (rcnn4j's kernels through JCuda, on a GPU or on the CUDA emulator, {@code cuda-emu}).
 *
 * <p>Semantics and argument names are torchvision's ({@code torchvision.ops}, {@code models.detection}). Inputs
 * are tensors on this backend ({@link #toDevice}); results are fresh tensors on this backend that the caller
 * owns and closes. Boxes are (x1, y1, x2, y2); RoIs for roi_align/roi_pool are [K,5] (batch index, x1, y1, x2,
 * y2). Integer index inputs may be I64 or I32; index outputs are I64 as in torchvision.
 *
 * <p>The ops are grouped by kernel family, each reached by an accessor ({@code backend.boxes().nms(...)},
 * {@code backend.roi().roiAlign(...)}); each family's CPU and CUDA implementations are named after it
 * ({@code BoxesCpu}, {@code BoxesCuda}).
 *
 * <p>Shapes and dtypes are checked by every implementation ({@link OpChecks}); a violation throws
 * {@link IllegalArgumentException} naming the argument and what was expected.
 */
public interface Backend extends AutoCloseable {

    /** "cpu", "cuda" or "cuda-emu". */
    String name();

    /** A copy of a host tensor on this backend (the tensor itself on the CPU backend). */
    Tensor toDevice(Tensor host);

    /** A host copy of a tensor of this backend (the tensor itself on the CPU backend). */
    Tensor toHost(Tensor tensor);

    /**
     * Host copies of several tensors of this backend for the price of one host synchronization (the tensors
     * themselves on the CPU backend): for a detector's final outputs, or the counts of several selections.
     */
    default List<Tensor> toHost(List<Tensor> tensors) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            out.add(toHost(t));
        }
        return out;
    }

    /** Waits for all queued work (no-op on the CPU). */
    default void synchronize() {
    }

    /** One line on what runs the ops here, for {@code rcnn4j devices} (the processors, the GPU, the emulator). */
    default String describe() {
        return name();
    }

    /**
     * The time {@code work}'s ops take on this backend, in milliseconds: the wall time between two
     * {@link #synchronize()}s here, device time between events recorded around it on CUDA (host work inside it, such
     * as a count read back, delays the stop event and so is included).
     */
    default double elapsedMillis(Runnable work) {
        synchronize();
        long t0 = System.nanoTime();
        work.run();
        synchronize();
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * Waits until the kernels this backend has used so far run at their full speed, at most {@code timeout}; true if
     * they do. On the CPU some kernels start as scalar code while a daemon thread waits for the JIT to compile their
     * Vector API form, then hand over (the GEMM, roi_pool, decode's exponentials): with every core busy that takes
     * seconds. Timing loops call this after a first run of the ops they time, so that they time what a long-running
     * program runs. Nothing to wait for on CUDA.
     */
    default boolean awaitWarmUp(Duration timeout) {
        return true;
    }

    /**
     * Host synchronizations and bytes copied each way so far (process-wide for the device), and this backend's
     * device tensors still open and those leaked (garbage-collected unclosed, freed by a safety net); all zero on
     * the CPU backend. Subtract two readings ({@link DeviceStats#minus}) to measure some work. Readable after
     * {@link #close()}.
     */
    default DeviceStats stats() {
        return DeviceStats.ZERO;
    }

    /**
     * Whether inference should fold batch norms into the convolutions before them (one convolution with scaled
     * weights and a bias, then fused with a following ReLU), which changes the arithmetic slightly: false here and
     * on the CPU backend (whose results stay those of the separate layers); true where the convolutions run on cuDNN.
     * {@code -Drcnn4j.foldBatchNorm=true|false} overrides it (org.rcnn4j.nn.ConvNormRelu).
     */
    default boolean prefersFoldedBatchNorm() {
        return false;
    }

    // ---- kernel families --------------------------------------------------------------------------------

    /** nms, batched_nms, box_iou, clip/remove-small boxes, anchors, box encode/decode. */
    Boxes boxes();

    /** roi_align, roi_pool (and their gradients), paste_masks. */
    Roi roi();

    /** conv2d and its gradients. */
    Conv conv();

    /** Per-channel affine map and sums (batch norm), nearest upsampling. */
    Channels channels();

    /** matmul. */
    Linalg linalg();

    /** axpby, scale, mul, relu, sigmoid and their gradients, in the operands' dtype. */
    Elementwise elementwise();

    /** Whole-tensor sum (and mean) and its backward fill. */
    Reduce reduce();

    /** concat, slices, index_select and its adjoint, writes into a tensor. */
    Gather gather();

    /** smooth_l1, binary_cross_entropy_with_logits, cross_entropy and their gradients. */
    Losses losses();

    /** max_pool2d and its gradient. */
    MaxPool maxPool();

    /** adaptive_avg_pool2d and its gradient. */
    AvgPool avgPool();

    /** Mask R-CNN's mask targets (project_masks_on_boxes). */
    MaskTargets maskTargets();

    /** dtype conversion. */
    Convert convert();

    /**
     * The detectors' selection steps: top-k, argsort, row gathers, sigmoid/softmax, thresholds, compaction and
     * capped NMS with their counts left on the device.
     */
    Select select();

    /**
     * Frees what this backend allocated: on CUDA every device tensor it made that is still open (using one
     * afterwards throws IllegalStateException naming the backend) and its memory pool's cached blocks. Afterwards
     * every op family, upload, download and synchronization of this backend throws IllegalStateException naming it.
     * Idempotent. Host tensors stay usable.
     */
    @Override
    default void close() {
    }
}
