package org.rcnn4j.detector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.io.json.Json;
import org.rcnn4j.io.torch.TorchSave.FloatTensor;

/**
 * The seeded weights of gen_pretrained_parity.py, drawn again in Java bit for bit: one splitmix64 stream over all
 * tensors in state_dict order; element n is {@code u = float32(z >>> 40) * 2^-23 - 1} (24 random bits, exact in
 * float32) and a tensor's value is {@code float32(offset + float32(scale * u))}, its scale and offset read from
 * pretrained_parity_weights.json with its key and shape (and for cls_score, its first row's own).
 */
final class PretrainedWeights {
    static final String RECIPE = "/fixtures/pretrained_parity_weights.json";
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private PretrainedWeights() {
    }

    /** The state dict of {@code model} (maskrcnn_resnet50_fpn or fasterrcnn_resnet50_fpn), in the file's order. */
    static LinkedHashMap<String, FloatTensor> stateDict(String model) throws IOException {
        Map<?, ?> recipe = recipe();
        long seed = (Long) recipe.get("seed");
        List<?> entries = (List<?>) ((Map<?, ?>) recipe.get("models")).get(model);
        if (entries == null) {
            throw new IllegalArgumentException("model: no recipe for '" + model + "' in " + RECIPE);
        }
        LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
        long position = 0;
        for (Object o : entries) {
            Map<?, ?> e = (Map<?, ?>) o;
            List<?> dims = (List<?>) e.get("shape");
            int[] shape = new int[dims.size()];
            int numel = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = Math.toIntExact((Long) dims.get(d));
                numel = Math.multiplyExact(numel, shape[d]);
            }
            float scale = number(e.get("scale"));
            float offset = number(e.get("offset"));
            // "row0": the first slice along dim 0 (cls_score's background class) has its own scale and offset
            Map<?, ?> row0 = (Map<?, ?>) e.get("row0");
            int rowLength = row0 == null ? 0 : numel / shape[0];
            float scale0 = row0 == null ? 0 : number(row0.get("scale"));
            float offset0 = row0 == null ? 0 : number(row0.get("offset"));
            float[] v = new float[numel];
            for (int i = 0; i < numel; i++) {
                float u = uniform(seed, position + i);
                v[i] = i < rowLength ? offset0 + scale0 * u : offset + scale * u;
            }
            position += numel;
            out.put((String) e.get("key"), new FloatTensor(shape, v));
        }
        return out;
    }

    /** Element {@code n} of the stream: a float32 in [-1, 1). */
    static float uniform(long seed, long n) {
        long z = seed + (n + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (float) (z >>> 40) * 0x1p-23f - 1f;
    }

    private static float number(Object o) {
        double d = ((Number) o).doubleValue(); // the generator writes float32 values, exact as doubles
        if ((float) d != d) {
            throw new IllegalStateException("recipe value " + d + " is not a float32");
        }
        return (float) d;
    }

    private static Map<?, ?> recipe() throws IOException {
        try (InputStream in = PretrainedWeights.class.getResourceAsStream(RECIPE)) {
            if (in == null) {
                throw new IOException("missing test resource " + RECIPE);
            }
            return (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
