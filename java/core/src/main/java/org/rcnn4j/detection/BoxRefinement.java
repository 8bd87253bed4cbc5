package org.rcnn4j.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Select;
import org.rcnn4j.tensor.Tensor;

/**
 * The box head's refinements at inference ({@link RcnnConfig#boxRefinements()}), on the device: each pass's boxes
 * become the boxes their most probable foreground class regresses to, clipped to the image, and the box head runs
 * on them again; the detections are postprocessed from the class probabilities averaged over every pass and the
 * last pass's regression. Averaging is what gains: a box and its refined copy are two views of one object, and
 * their mean probability names it better than either (docs/demo-tuning-history.md, "The box head twice").
 */
final class BoxRefinement {
    private BoxRefinement() {
    }

    /**
     * The detections of the first pass's outputs refined {@link RcnnConfig#boxRefinements()} times; with none,
     * torchvision's postprocess_detections of the first pass.
     *
     * @param boxPass   the box head's class logits and box regression (Var[2]) of per-image boxes
     * @param first     the first pass's outputs on {@code proposals}; dropped here
     */
    static List<Detections> detect(Backend backend, Function<List<Tensor>, Var[]> boxPass, Var[] first,
            List<Tensor> proposals, List<int[]> imageSizes, RcnnConfig config) {
        Select sel = backend.select();
        try (TensorBin bin = new TensorBin()) {
            Var[] pred = first;
            Tensor probabilities = bin.add(sel.softmaxRows(pred[0].value()));
            pred[0].drop();
            Tensor sum = probabilities;
            List<Tensor> boxes = proposals;
            for (int pass = 1; pass <= config.boxRefinements(); pass++) {
                boxes = refine(backend, probabilities, pred[1].value(), boxes, imageSizes, config.bboxRegWeights());
                bin.addAll(boxes);
                pred[1].drop();
                pred = boxPass.apply(boxes);
                probabilities = bin.add(sel.softmaxRows(pred[0].value()));
                pred[0].drop();
                sum = bin.add(backend.elementwise().axpby(sum, probabilities, 1, 1));
            }
            Tensor mean = config.boxRefinements() == 0 ? probabilities
                    : bin.add(backend.elementwise().scale(sum, 1.0 / (config.boxRefinements() + 1)));
            List<Detections> dets = DetectionPostprocess.fromProbabilities(backend, mean, pred[1].value(), boxes,
                    imageSizes, config.boxScoreThresh(), config.boxNmsThresh(), config.boxDetectionsPerImg(),
                    config.bboxRegWeights());
            pred[1].drop();
            return dets;
        }
    }

    /**
     * Per image, each box [K_i,4] replaced by the decoded box of its most probable class other than the background
     * (column 0), clipped to the image: probabilities [N,C] and boxRegression [N,4C] hold the images' boxes end to
     * end. The caller closes the returned tensors.
     */
    static List<Tensor> refine(Backend backend, Tensor probabilities, Tensor boxRegression, List<Tensor> boxes,
            List<int[]> imageSizes, float[] weights) {
        Host.sameSize("boxes", boxes, "image_sizes", imageSizes);
        Select sel = backend.select();
        int n = probabilities.size(0);
        int c = probabilities.size(1);
        List<Tensor> out = new ArrayList<>();
        try (TensorBin bin = new TensorBin()) {
            Tensor all = bin.add(sel.catRows(boxes));
            Tensor decoded = bin.add(backend.boxes().decodeBoxes(boxRegression, all, weights,
                    BoxCoding.BBOX_XFORM_CLIP));
            Tensor best = bin.add(sel.gatherRows(decoded.reshape(n * c, 4), bin.add(sel.argmaxRows(probabilities,
                    1))));
            int start = 0;
            for (int i = 0; i < boxes.size(); i++) {
                int rows = boxes.get(i).size(0);
                int[] size = imageSizes.get(i);
                out.add(backend.boxes().clipBoxesToImage(bin.add(sel.rows(best, start, rows)), size[0], size[1]));
                start += rows;
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(Tensor::close);
            throw e;
        }
    }
}
