package org.rcnn4j.detection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.StateDictCheck;
import org.rcnn4j.tensor.Tensor;

/**
 * A trained detector as one safetensors file: the full state_dict under torchvision's keys, plus metadata naming
 * the model builder and the class names, so {@code rcnn4j detect --weights FILE} needs nothing else. Written
 * atomically (temporary file, then rename).
 */
public record ModelFile(String model, List<String> classNames, Map<String, Tensor> stateDict) {
    public static final String MODEL_KEY = "rcnn4j.model";
    public static final String CLASSES_KEY = "rcnn4j.classes";

    public static void write(Path file, String model, Block module, List<String> classNames) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MODEL_KEY, model);
        meta.put(CLASSES_KEY, Json.write(new ArrayList<Object>(classNames)));
        Safetensors.write(file, module.stateDict(), meta);
    }

    /** Whether a safetensors file carries the model metadata {@link #write} puts there. */
    public static boolean isModelFile(Path file) throws IOException {
        Map<String, String> meta = Safetensors.readMetadata(file);
        return meta.containsKey(MODEL_KEY) && meta.containsKey(CLASSES_KEY);
    }

    /**
     * @throws IOException an unreadable file, or one without the model metadata (a checkpoint or a plain
     *                     state_dict: the message says which file to use instead)
     */
    public static ModelFile read(Path file) throws IOException {
        Map<String, String> meta = Safetensors.readMetadata(file);
        String model = meta.get(MODEL_KEY);
        String classes = meta.get(CLASSES_KEY);
        if (model == null || classes == null) {
            throw new IOException(file + " is not an rcnn4j model file (no " + MODEL_KEY + " metadata): pass the "
                    + "model.safetensors that training writes beside its checkpoint");
        }
        List<String> names = new ArrayList<>();
        Object parsed;
        try {
            parsed = Json.parse(classes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata " + CLASSES_KEY + ": " + e.getMessage());
        }
        if (!(parsed instanceof List<?> list) || list.isEmpty()) {
            throw new IOException(file + ": metadata " + CLASSES_KEY + " is not a non-empty JSON list of class names");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String name) || name.isEmpty()) {
                throw new IOException(file + ": metadata " + CLASSES_KEY + "[" + i + "] is not a class name "
                        + "(a non-empty string)");
            }
            names.add(name);
        }
        ModelFile m = new ModelFile(model, List.copyOf(names), Safetensors.read(file));
        m.check(file);
        return m;
    }

    /**
     * Everything {@link #build()} needs, checked without allocating the model: a known detector name, and weights
     * of exactly its entries, dtypes and shapes for this many classes.
     */
    private void check(Path file) throws IOException {
        Block m;
        try {
            m = Models.create(model, ModelOptions.defaults().withNumClasses(classNames.size() + 1));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": metadata " + MODEL_KEY + ": " + e.getMessage());
        }
        if (!(m instanceof GeneralizedRcnn)) {
            throw new IOException(file + ": metadata " + MODEL_KEY + ": '" + model + "' is not a detector");
        }
        StateDictCheck c = m.checkStateDict(stateDict);
        List<String> problems = new ArrayList<>();
        c.mismatched().forEach(x -> problems.add(x.key() + " is " + x.actual().dtype()
                + java.util.Arrays.toString(x.actual().shape()) + ", the model's " + x.expected().dtype()
                + java.util.Arrays.toString(x.expected().shape())));
        if (!c.missing().isEmpty()) {
            problems.add("missing " + first(c.missing()));
        }
        if (!c.unexpected().isEmpty()) {
            problems.add("unexpected " + first(c.unexpected()));
        }
        if (!problems.isEmpty()) {
            throw new IOException(file + ": the weights do not fit " + model + " with " + classNames.size()
                    + " classes: " + first(problems));
        }
    }

    /** The first few items and how many more. */
    private static String first(List<String> items) {
        int n = Math.min(3, items.size());
        return String.join("; ", items.subList(0, n)) + (items.size() > n ? " (and " + (items.size() - n)
                + " more)" : "");
    }

    /** Builds the named detector for this file's classes (plus background) and loads every weight (strict). */
    public GeneralizedRcnn build() {
        Block m = Models.create(model, ModelOptions.defaults().withNumClasses(classNames.size() + 1));
        if (!(m instanceof GeneralizedRcnn detector)) {
            throw new IllegalArgumentException("model '" + model + "' is not a detector");
        }
        detector.loadStateDict(stateDict, true);
        return detector;
    }
}
