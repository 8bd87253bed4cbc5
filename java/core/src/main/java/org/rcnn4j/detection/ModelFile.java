package org.rcnn4j.detection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.Json;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.nn.Module;
import org.rcnn4j.tensor.Tensor;

/**
 * A trained detector as one safetensors file: the full state_dict under torchvision's keys, plus metadata naming
 * the model builder and the class names, so {@code rcnn4j detect --weights FILE} needs nothing else. Written
 * atomically (temporary file, then rename).
 */
public record ModelFile(String model, List<String> classNames, Map<String, Tensor> stateDict) {
    public static final String MODEL_KEY = "rcnn4j.model";
    public static final String CLASSES_KEY = "rcnn4j.classes";

    public static void write(Path file, String model, Module module, List<String> classNames) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MODEL_KEY, model);
        meta.put(CLASSES_KEY, Json.write(new ArrayList<Object>(classNames)));
        Safetensors.write(file, module.stateDict(), meta);
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
        Object parsed = Json.parse(classes);
        if (!(parsed instanceof List<?> list)) {
            throw new IOException(file + ": metadata " + CLASSES_KEY + " is not a JSON list");
        }
        for (Object o : list) {
            names.add(String.valueOf(o));
        }
        return new ModelFile(model, List.copyOf(names), Safetensors.read(file));
    }

    /** Builds the named detector for this file's classes (plus background) and loads every weight (strict). */
    public GeneralizedRcnn build() {
        Module m = Models.create(model, ModelOptions.defaults().withNumClasses(classNames.size() + 1));
        if (!(m instanceof GeneralizedRcnn detector)) {
            throw new IllegalArgumentException("model '" + model + "' is not a detector");
        }
        detector.loadStateDict(stateDict, true);
        return detector;
    }
}
