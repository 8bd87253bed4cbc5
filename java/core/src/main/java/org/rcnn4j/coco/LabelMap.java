package org.rcnn4j.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The contiguous training labels 1..K of a COCO file's categories: label k is the k-th smallest category id (as
 * torchvision's reference scripts number them); label 0, background, has no category.
 */
public final class LabelMap {
    private final long[] categoryIds;
    private final List<String> names;

    /** @param categoryIds category id of label k at index k - 1, strictly ascending */
    public LabelMap(long[] categoryIds, List<String> names) {
        if (categoryIds.length != names.size()) {
            throw new IllegalArgumentException("categoryIds has " + categoryIds.length + " entries but names has "
                    + names.size());
        }
        for (int i = 1; i < categoryIds.length; i++) {
            if (categoryIds[i] <= categoryIds[i - 1]) {
                throw new IllegalArgumentException("categoryIds must be strictly ascending, got "
                        + Arrays.toString(categoryIds));
            }
        }
        this.categoryIds = categoryIds.clone();
        this.names = List.copyOf(names);
    }

    /** Labels for the categories of a ground truth, in ascending id order. */
    public static LabelMap of(CocoDataset gt) {
        return of(gt.categories());
    }

    public static LabelMap of(Map<Long, CocoCategory> categories) {
        long[] ids = categories.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        List<String> names = new ArrayList<>(ids.length);
        for (long id : ids) {
            names.add(categories.get(id).name());
        }
        return new LabelMap(ids, names);
    }

    /** Category ids 1..K named by classNames (label c is category c), as CocoScenesExport numbers them. */
    public static LabelMap identity(List<String> classNames) {
        long[] ids = new long[classNames.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i + 1;
        }
        return new LabelMap(ids, classNames);
    }

    /** K, the number of object classes (without background). */
    public int size() {
        return categoryIds.length;
    }

    /** The category id of label 1..K. */
    public long categoryId(long label) {
        if (label < 1 || label > categoryIds.length) {
            throw new IllegalArgumentException("label must be in 1.." + categoryIds.length + ", got " + label);
        }
        return categoryIds[(int) label - 1];
    }

    /** The label 1..K of a category id, or -1 when the id is not a category. */
    public int label(long categoryId) {
        int i = Arrays.binarySearch(categoryIds, categoryId);
        return i >= 0 ? i + 1 : -1;
    }

    /** Category ids by label: element k - 1 is label k's id. */
    public long[] categoryIds() {
        return categoryIds.clone();
    }

    /** Class names by label: element k - 1 names label k. */
    public List<String> names() {
        return names;
    }
}
