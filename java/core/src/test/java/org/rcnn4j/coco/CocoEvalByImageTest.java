package org.rcnn4j.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Images evaluated apart (as a cluster's executors do, each with some of the images, its own detection ids and the
 * evaluation's results serialized to the driver) combine into the numbers of evaluating all at once, bit for bit.
 */
class CocoEvalByImageTest {

    /** The images of {@code gt} whose index (in id order) is {@code part} modulo {@code parts}. */
    private static Set<Long> share(CocoDataset gt, int part, int parts) {
        List<Long> ids = gt.images().keySet().stream().sorted().toList();
        Set<Long> out = new java.util.HashSet<>();
        for (int i = part; i < ids.size(); i += parts) {
            out.add(ids.get(i));
        }
        return out;
    }

    /** The ground truth of some images, with every category. */
    private static CocoDataset subset(CocoDataset gt, Set<Long> images) {
        Map<Long, CocoImage> ims = new LinkedHashMap<>();
        gt.images().forEach((id, im) -> {
            if (images.contains(id)) {
                ims.put(id, im);
            }
        });
        return new CocoDataset(ims, gt.categories(),
                gt.annotations().stream().filter(a -> images.contains(a.imageId())).toList());
    }

    @SuppressWarnings("unchecked")
    private static List<ImageEvaluation> throughSerialization(List<ImageEvaluation> l) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(new ArrayList<>(l));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (List<ImageEvaluation>) in.readObject();
        }
    }

    @ParameterizedTest
    @CsvSource({"mixed,bbox,2", "mixed,segm,3", "capped,bbox,2", "capped,segm,2", "many,bbox,3"})
    void imagesEvaluatedApartCombineToTheWholeEvaluation(String name, String type, int parts) throws Exception {
        CocoDataset gt = CocoCases.gt(name);
        List<CocoAnnotation> dt = CocoCases.results(name, type, gt);
        CocoParams params = CocoParams.defaults(CocoParams.IouType.valueOf(type.toUpperCase()));
        CocoEval whole = new CocoEval(gt, dt, params).evaluate().accumulate();
        double[] want = whole.summarize();

        List<ImageEvaluation> collected = new ArrayList<>();
        for (int part = 0; part < parts; part++) {
            Set<Long> images = share(gt, part, parts);
            assertTrue(images.size() < gt.images().size(), "each part holds some of the images");
            // detection ids restart in each part: ids only need to be distinct within one evaluation
            List<CocoAnnotation> mine = new ArrayList<>();
            for (CocoAnnotation a : dt) {
                if (images.contains(a.imageId())) {
                    mine.add(new CocoAnnotation(mine.size() + 1, a.imageId(), a.categoryId(), a.bbox(), a.area(),
                            a.iscrowd(), a.score(), a.segmentation()));
                }
            }
            CocoEval apart = new CocoEval(subset(gt, images), mine, params).evaluate();
            collected.addAll(throughSerialization(apart.imageEvaluations()));
        }
        java.util.Collections.reverse(collected); // the order the driver receives them in does not matter
        CocoEval combined = CocoEval.ofImages(gt, params, collected).accumulate();
        double[] got = combined.summarize();
        assertArrayEquals(want, got, 0.0, name + " " + type);
        assertTrue(want[0] > 0, "a case with true positives: " + want[0]);
        assertArrayEquals(whole.perCategoryAp(), combined.perCategoryAp(), 0.0);
        assertEquals(whole.summaryText(), combined.summaryText());
        assertEquals(gt.images().size(), whole.imageEvaluations().size());
    }

    @ParameterizedTest
    @CsvSource({"mixed,bbox"})
    void everyImageExactlyOnce(String name, String type) {
        CocoDataset gt = CocoCases.gt(name);
        CocoParams params = CocoParams.defaults(CocoParams.IouType.BBOX);
        List<ImageEvaluation> all = new CocoEval(gt, CocoCases.results(name, type, gt), params).evaluate()
                .imageEvaluations();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> CocoEval.ofImages(gt, params, all.subList(1, all.size())));
        assertTrue(missing.getMessage().contains("image " + all.get(0).imageId() + " of the ground truth was not "
                + "evaluated"), missing.getMessage());
        List<ImageEvaluation> twice = new ArrayList<>(all);
        twice.add(all.get(0));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> CocoEval.ofImages(gt, params, twice));
        assertTrue(dup.getMessage().contains("evaluated twice"), dup.getMessage());
        List<ImageEvaluation> stranger = new ArrayList<>(all);
        stranger.add(new ImageEvaluation(987654L, all.get(0).results()));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> CocoEval.ofImages(gt, params, stranger));
        assertTrue(unknown.getMessage().contains("987654 is not in the ground truth"), unknown.getMessage());
        List<ImageEvaluation> shortOne = new ArrayList<>(all.subList(1, all.size()));
        shortOne.add(new ImageEvaluation(all.get(0).imageId(), new EvalImage[1]));
        assertThrows(IllegalArgumentException.class, () -> CocoEval.ofImages(gt, params, shortOne));
        assertThrows(IllegalStateException.class, () -> new CocoEval(gt, List.of(), params).imageEvaluations());
        Set<Long> ids = all.stream().map(ImageEvaluation::imageId).collect(Collectors.toSet());
        assertEquals(gt.images().keySet(), ids);
    }
}
