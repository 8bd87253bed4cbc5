package org.rcnn4j.backend;

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

    /**
     * Host synchronizations and bytes copied each way so far (process-wide for the device; all zero on the CPU
     * backend). Subtract two readings ({@link DeviceStats#minus}) to measure some work.
     */
    default DeviceStats stats() {
        return DeviceStats.ZERO;
    }

    /** The selection ops the detectors run on the backend: top-k, sort, gather, thresholds, capped NMS. */
    Select select();

    // ---- boxes --------------------------------------------------------------------------------------------

    /** torchvision.ops.nms: indices kept, I64 [K], by decreasing score; suppress when IoU > iouThreshold. */
    Tensor nms(Tensor boxes, Tensor scores, float iouThreshold);

    /** torchvision.ops.batched_nms: NMS within each value of idxs; I64 [K] by decreasing score. */
    Tensor batchedNms(Tensor boxes, Tensor scores, Tensor idxs, float iouThreshold);

    /** torchvision.ops.box_iou: F32 [N,M]. */
    Tensor boxIou(Tensor boxes1, Tensor boxes2);

    /** torchvision.ops.clip_boxes_to_image for boxes [..., 4]: x into [0,width], y into [0,height]. */
    Tensor clipBoxesToImage(Tensor boxes, int height, int width);

    /** torchvision.ops.remove_small_boxes: I64 indices of boxes with width and height &ge; minSize. */
    Tensor removeSmallBoxes(Tensor boxes, float minSize);

    /**
     * AnchorGenerator for one feature level: anchors [featureHeight*featureWidth*A, 4] ordered y, x, anchor,
     * with A = sizes.length * aspectRatios.length and stride = image size / feature size (integer division).
     */
    Tensor anchors(int[] sizes, float[] aspectRatios, int imageHeight, int imageWidth, int featureHeight,
            int featureWidth);

    /** BoxCoder.decode_single: relCodes [K,4C] against boxes [K,4] gives [K,4C]; dw, dh clamped at bboxXformClip. */
    Tensor decodeBoxes(Tensor relCodes, Tensor boxes, float[] weights, float bboxXformClip);

    /** BoxCoder.encode_single: regression targets [K,4] of referenceBoxes (ground truth) against proposals. */
    Tensor encodeBoxes(Tensor referenceBoxes, Tensor proposals, float[] weights);

    // ---- RoI pooling and masks ----------------------------------------------------------------------------

    /** torchvision.ops.roi_align: input [N,C,H,W], boxes [K,5]; output [K,C,outputHeight,outputWidth]. */
    Tensor roiAlign(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale,
            int samplingRatio, boolean aligned);

    /** Gradient of roi_align with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor roiAlignBackward(Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale,
            int samplingRatio, boolean aligned);

    /** torchvision.ops.roi_pool: output [K,C,h,w] and argmax (I32, -1 for an empty bin). */
    RoiPoolResult roiPool(Tensor input, Tensor boxes, int outputHeight, int outputWidth, float spatialScale);

    /** Gradient of roi_pool with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor roiPoolBackward(Tensor gradOutput, Tensor boxes, Tensor argmax, int[] inputShape);

    /**
     * roi_heads.paste_masks_in_image: masks [K,1,M,M] resized into boxes [K,4] of an imageHeight x imageWidth
     * image, after padding each mask by {@code padding}; output [K,1,imageHeight,imageWidth], not thresholded.
     * A box whose expanded, truncated extent misses the image (torchvision 0.14 fails there), an inverted box and
     * a box with a non-finite coordinate give an all-zero mask.
     */
    Tensor pasteMasks(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding);

    // ---- convolution and dense layers ---------------------------------------------------------------------

    /** torch.nn.functional.conv2d: input [N,C,H,W], weight [O,C/groups,kh,kw], bias [O] or null. */
    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params);

    /** Gradients of conv2d; gradBias is null when {@code withBias} is false. */
    Conv2dGrads conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
            boolean withBias);

    /**
     * C = op(A) op(B) for 2-D F32/F64 tensors, op transposing when asked: [M,K] x [K,N] gives [M,N]. The GEMM
     * that linear layers (y = x W^T + b) stand on.
     */
    Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB);

    // ---- ops autograd builds detector layers from (batch norm, FPN, Mask R-CNN's mask head) ----------------

    /**
     * conv2d's input gradient alone: gradInput of shape inputShape [N,C,H,W] given gradOutput, the output of
     * conv2d(input, weight, params). Also F.conv_transpose2d's forward (input = gradOutput, weight [in, out/groups,
     * kh, kw]).
     */
    Tensor conv2dGradInput(Tensor gradOutput, Tensor weight, int[] inputShape, Conv2dParams params);

    /** conv2d's weight gradient alone, of shape weightShape [O,C/groups,kh,kw]. */
    Tensor conv2dGradWeight(Tensor gradOutput, Tensor input, int[] weightShape, Conv2dParams params);

    /**
     * input [N,C,...] * scale[c] + shift[c] for channel c = dim 1 (F32 or F64; scale and shift [C] of the same dtype,
     * either may be null: 1 and 0). FrozenBatchNorm2d's and eval batch norm's forward.
     */
    Tensor channelAffine(Tensor input, Tensor scale, Tensor shift);

    /**
     * Per-channel sums [C] over every dim but 1 of input [N,C,...], of input * other (same shape and dtype) when
     * other is not null. F32 sums may be accumulated in float on the device.
     */
    Tensor channelSum(Tensor input, Tensor other);

    /**
     * F.interpolate(input [N,C,H,W], size=(outputHeight, outputWidth), mode='nearest'): source index
     * min(floor(dst * (float) in / out), in - 1), torch's rule.
     */
    Tensor upsampleNearest(Tensor input, int outputHeight, int outputWidth);

    /** Gradient of upsample_nearest with respect to its input, of shape inputShape [N,C,H,W]. */
    Tensor upsampleNearestBackward(Tensor gradOutput, int[] inputShape);

    @Override
    default void close() {
    }
}
