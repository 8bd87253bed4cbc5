package org.rcnn4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * How a state dict fits a module, after the module adapted it (older key names, dropped entries): the adapted
 * map, the keys the module has but the map lacks, the map's keys the module does not have, and the keys whose
 * dtype or shape differ.
 */
public record StateDictCheck(Map<String, Tensor> adapted, List<String> missing, List<String> unexpected,
        List<Mismatch> mismatched) {

    /** An entry whose dtype or shape differs from the module's. */
    public record Mismatch(String key, StateEntry expected, Tensor actual) {
        @Override
        public String toString() {
            return key + ": model " + expected.dtype() + Shapes.format(expected.shape()) + ", file " + actual.dtype()
                    + Shapes.format(actual.shape());
        }
    }

    /** Whether every key matches (no missing, unexpected or mismatched key). */
    public boolean fits() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** One line per problem: "missing KEY", "unexpected KEY", "mismatched KEY: model ..., file ...". */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        missing.forEach(k -> out.add("missing " + k));
        unexpected.forEach(k -> out.add("unexpected " + k));
        mismatched.forEach(m -> out.add("mismatched " + m));
        return out;
    }
}
