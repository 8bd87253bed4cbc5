package org.rcnn4j.backend;

import java.util.List;
import org.rcnn4j.tensor.Tensor;

/**
 * The detectors' selection steps as backend ops, so that inference stays on the device from the image to the
 * final detections: top-k, sorting, gathers by an index list, sigmoid and softmax, thresholds, compaction and NMS
 * whose data-dependent sizes stay on the device ({@link Selection}: a fixed-capacity index list padded with -1
 * and a count), FPN level assignment and RoI bookkeeping. Each op is the CPU backend's host code it replaces,
 * bit for bit (the CUDA kernels agree within float32 rounding of exp and log, indices exactly).
 *
 * <p>Inputs are tensors of the backend; results are fresh tensors the caller closes ({@link #rows} excepted).
 */
public interface Select {

    /**
     * Rows [from, from + count) of t along dim 0. On a device a view sharing t's storage (closing it frees
     * nothing; t must outlive it); on the host a copy.
     */
    Tensor rows(Tensor t, int from, int count);

    /** torch.cat(parts, dim=0): the parts (same dtype and trailing dims) end to end; at least one part. */
    Tensor catRows(List<Tensor> parts);

    /**
     * Per row of values F32 [N, A], split along dim 1 into segments of the given lengths (summing to A): the
     * indices (into the row) of the min(length, k) largest of each segment, largest first, NaN largest, equal
     * values in index order (torch.topk's order). I64 [N, sum of min(length, k)], segment after segment.
     */
    Tensor topKSegments(Tensor values, int[] segmentLengths, int k);

    /**
     * A stable argsort: I64 [n] indices of values [n] in ascending order (I32 or I64 values within the int range)
     * or, for F32 values, in descending order with NaN first and -0.0 equal to 0.0.
     */
    Tensor argsort(Tensor values);

    /**
     * Rows of values [R, ...] at index (I64 or I32 [K]): [K, ...]. An index outside [0, R) (the -1 padding of a
     * {@link Selection}) gives a row of zeros.
     */
    Tensor gatherRows(Tensor values, Tensor index);

    /** torch.sigmoid of F32 x as {@code 1f / (1f + (float) Math.exp(-x))}. */
    Tensor sigmoid(Tensor x);

    /** Row softmax of F32 logits [n, c], computed in double and rounded once to float. */
    Tensor softmaxRows(Tensor logits);

    /**
     * maskrcnn_inference: of logits F32 [D, C, H, W] the channel labels[d] (I64 [D]) of each row, through a sigmoid
     * computed in double: F32 [D, 1, H, W].
     */
    Tensor labelSigmoid(Tensor logits, Tensor labels);

    /**
     * I64 [N]: per row i of values F32 [N, C], the flat index {@code i * C + j} of its largest entry among columns
     * fromColumn..C-1 (torch.argmax of values[:, fromColumn:], plus fromColumn and i * C): the first of equal
     * entries, NaN largest. Flat so that {@link #gatherRows} reads row i's column j from values, or from [N * C, ...]
     * rows laid out per column (the box head's per-class boxes).
     */
    Tensor argmaxRows(Tensor values, int fromColumn);

    /**
     * U8 [K]: 1 where box K (boxes F32 [K, 4]) is at least minSize wide and high (remove_small_boxes) and its score
     * (F32 [K]) is above scoreThresh ({@code strict}) or at least scoreThresh, else 0.
     */
    Tensor keepMask(Tensor boxes, Tensor scores, float minSize, float scoreThresh, boolean strict);

    /** The indices of the non-zero entries of mask (U8 [K]) in order, capacity K. */
    Selection compact(Tensor mask);

    /**
     * torchvision's batched_nms (nms when idxs is null) over the boxes whose mask byte is set (all when mask is
     * null), then its first maxOutput indices: capacity min(K, maxOutput), by descending score.
     */
    Selection batchedNms(Tensor boxes, Tensor scores, Tensor idxs, Tensor mask, float iouThreshold, int maxOutput);

    /**
     * torchvision's LevelMapper (see org.rcnn4j.detection.LevelMapper) of boxes F32 [K, 4] or RoIs [K, 5]: I32 [K],
     * 0 for kMin, -1 for a NaN area.
     */
    Tensor fpnLevels(Tensor boxes, int kMin, int kMax);

    /** I32 [bins]: how many of values (I32 [n]) equal each of 0..bins-1 (others are not counted). */
    Tensor bincount(Tensor values, int bins);

    /** RoIs F32 [sum K_i, 5] (image index, x1, y1, x2, y2) of per-image boxes F32 [K_i, 4]. */
    Tensor batchRois(List<Tensor> boxes);

    /** Boxes F32 [K, 4] with x times scaleX and y times scaleY (float32 products). */
    Tensor scaleBoxes(Tensor boxes, float scaleX, float scaleY);

    /**
     * Eval batch norm's per-channel affine map from running mean and var, weight and bias (each [C], F32 or F64,
     * weight and bias may be null): [2, C] of scale = weight / sqrt(var + eps) and shift = bias - mean * scale,
     * computed in double and rounded once to the dtype.
     */
    Tensor normAffine(Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps);

    /**
     * Rows merged by level: out row r = row r of parts[levels[r]] (parts of one shape [R, ...] and dtype F32 or F64;
     * levels I32 [R]), a zero row where levels[r] is outside [0, parts.size()) or names a null part.
     * MultiScaleRoIAlign's merge of each level's pooled RoIs, and (one part given) its gradient.
     */
    Tensor mergeRows(List<Tensor> parts, Tensor levels);
}
