package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.rcnn4j.detection.ModelOptions;
import org.rcnn4j.detection.Models;
import org.rcnn4j.detection.Weights;
import org.rcnn4j.detection.backbone.Norm;
import org.rcnn4j.nn.Block;
import org.rcnn4j.nn.Buffer;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.StateDictCheck;
import org.rcnn4j.nn.StateEntry;
import org.rcnn4j.tensor.Tensor;

/**
 * {@code rcnn4j model NAME [--num-classes N] [--norm frozen|batch] [--trainable-backbone-layers N]}: the model's
 * state_dict layout, one {@code key shape} line per parameter and buffer in torchvision's order, then totals.
 * Builds the structure only; no values are allocated.
 */
final class ModelCommand {
    /** The most classes --num-classes takes (the box predictor alone is then 5 x 1024 x this many floats). */
    static final int MAX_CLASSES = 100_000;

    private ModelCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j model NAME [--num-classes N] [--norm frozen|batch] [--trainable-backbone-layers N]
                                         [--weights FILE]

                Prints the model's state_dict layout as torchvision names it: one line `key shape` per parameter and
                buffer in state_dict order (shape comma-separated, `-` for a scalar), then `#` lines with the totals
                (parameters, trainable parameters, buffers, elements, bytes as float32).

                With --weights FILE (a torchvision .pth, zip or legacy format, a state_dict or a checkpoint holding
                one under 'model', or a .safetensors file) it loads the file instead: older torchvision key names
                are upgraded, entries the model does not keep (num_batches_tracked of FrozenBatchNorm2d) dropped,
                and every key, dtype and shape must match the model: each missing, unexpected or mismatched key is
                listed on stderr, one per line, then a one-line error (exit code 2). On success a summary is
                printed. Pickles are read safely: only tensor data is accepted, nothing in the file is executed.

                models:
                  fasterrcnn_resnet50_fpn   Faster R-CNN, ResNet-50-FPN backbone (torchvision's key names)
                  maskrcnn_resnet50_fpn     Mask R-CNN, ResNet-50-FPN backbone
                  vgg16                     VGG-16 (configuration D, ImageNet classifier)

                options:
                  --num-classes N                classes including the background (default 91; vgg16: 1000)
                  --norm frozen|batch            backbone norm: FrozenBatchNorm2d (default; what pretrained weights
                                                 load into) or BatchNorm2d (torchvision's weights=None layout)
                  --trainable-backbone-layers N  0..5 (default 3 with frozen, 5 with batch): which parameters
                                                 require gradients
                  --weights FILE                 load and check a weight file (.pth or .safetensors)
                """;
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String name = null;
        String weights = null;
        ModelOptions options = ModelOptions.defaults();
        boolean normGiven = false;
        boolean layersGiven = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> {
                    out.print(help());
                    return Main.OK;
                }
                case "--num-classes", "--norm", "--trainable-backbone-layers", "--weights" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("model: " + a + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (a.equals("--weights")) {
                        weights = value;
                        continue;
                    }
                    try {
                        switch (a) {
                            case "--num-classes" -> {
                                int n = integer(a, value);
                                if (n < 1 || n > MAX_CLASSES) {
                                    throw new IllegalArgumentException("expected 1.." + MAX_CLASSES
                                            + " (classes including the background), got " + value);
                                }
                                options = options.withNumClasses(n);
                            }
                            case "--norm" -> {
                                options = options.withNorm(Norm.parse(value));
                                normGiven = true;
                            }
                            default -> {
                                options = options.withTrainableBackboneLayers(integer(a, value));
                                layersGiven = true;
                            }
                        }
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("model: " + a + ": " + e.getMessage());
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("model: unknown option '" + a + "' (see rcnn4j model --help)");
                    }
                    if (name != null) {
                        throw new UsageException("model: unexpected argument '" + a + "' after the model name "
                                + name);
                    }
                    name = a;
                }
            }
        }
        if (name == null) {
            throw new UsageException("model: missing the model name (" + String.join(", ", Models.names()) + ")");
        }
        if (!Models.names().contains(name)) {
            throw new UsageException("model: unknown model '" + name + "' (models: " + String.join(", ",
                    Models.names()) + ")");
        }
        if (!Models.hasBackboneNorm(name) && (normGiven || layersGiven)) {
            throw new UsageException("model: " + name + " has no backbone norm or trainable layers to choose");
        }
        Block model;
        try {
            model = Models.create(name, options);
        } catch (IllegalArgumentException e) { // sizes the options make too large
            throw new UsageException("model: " + name + ": " + e.getMessage());
        }
        if (weights != null) {
            return loadWeights(name, model, Path.of(weights), out, err);
        }
        print(model, out);
        return Main.OK;
    }

    /** Checks every key of the file against the model, lists the problems on stderr, loads when all fit. */
    private static int loadWeights(String name, Block model, Path file, PrintStream out, PrintStream err) {
        Weights.Report r;
        try {
            r = Weights.check(model, Weights.read(file));
        } catch (IOException e) {
            throw new UsageException("model: " + Main.describe(e));
        } catch (IllegalArgumentException e) { // a file holding an old and a new name for one entry
            throw new UsageException("model: " + file + ": " + e.getMessage());
        }
        StateDictCheck c = r.check();
        if (!c.fits()) {
            Map<String, String> fileKey = new java.util.HashMap<>();
            r.renamed().forEach(p -> fileKey.put(p[1], p[0]));
            c.missing().forEach(k -> err.println("missing " + k));
            c.unexpected().forEach(k -> err.println("unexpected " + k + fileKeyNote(fileKey, k)));
            c.mismatched().forEach(m -> err.println("mismatched " + m + fileKeyNote(fileKey, m.key())));
            throw new UsageException("model: " + file + " does not fit " + name + ": " + c.missing().size()
                    + " missing, " + c.unexpected().size() + " unexpected, " + c.mismatched().size()
                    + " mismatched keys (listed above)" + classHint(c));
        }
        model.loadStateDict(c.adapted(), true);
        StringBuilder sb = new StringBuilder();
        sb.append("loaded ").append(c.adapted().size()).append(" tensors, ")
                .append(c.adapted().values().stream().mapToLong(Tensor::numel).sum()).append(" elements into ")
                .append(name).append(" from ").append(file).append(" (").append(r.file().format()).append(")\n");
        if (!r.renamed().isEmpty()) {
            sb.append("# renamed ").append(r.renamed().size()).append(" keys from torchvision's older names (e.g. ")
                    .append(r.renamed().get(0)[0]).append(" -> ").append(r.renamed().get(0)[1]).append(")\n");
        }
        if (!r.dropped().isEmpty()) {
            sb.append("# dropped ").append(r.dropped().size()).append(" entries the model does not keep (e.g. ")
                    .append(r.dropped().get(0)).append(")\n");
        }
        out.print(sb);
        return Main.OK;
    }

    private static String fileKeyNote(Map<String, String> fileKey, String key) {
        String k = fileKey.get(key);
        return k == null ? "" : " (the file's " + k + ")";
    }

    /** When the class count differs, the count the file was trained with. */
    private static String classHint(StateDictCheck c) {
        for (StateDictCheck.Mismatch m : c.mismatched()) {
            if (m.key().endsWith("box_predictor.cls_score.weight") || m.key().equals("classifier.6.weight")) {
                return "; the file has " + m.actual().shape()[0] + " classes: try --num-classes "
                        + m.actual().shape()[0];
            }
        }
        return "";
    }

    private static int integer(String option, String value) {
        try {
            return NumberSyntax.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("model: " + option + " needs an integer, got '" + value + "'");
        }
    }

    static void print(Block m, PrintStream out) {
        StringBuilder sb = new StringBuilder();
        long params = 0;
        long trainable = 0;
        long buffers = 0;
        int paramTensors = 0;
        int bufferTensors = 0;
        for (Map.Entry<String, StateEntry> e : m.stateEntries().entrySet()) {
            StateEntry s = e.getValue();
            sb.append(e.getKey()).append(' ').append(shape(s.shape())).append('\n');
            if (s instanceof Parameter p) {
                params += p.numel();
                trainable += p.requiresGrad() ? p.numel() : 0;
                paramTensors++;
            } else if (s instanceof Buffer) {
                buffers += s.numel();
                bufferTensors++;
            }
        }
        long elements = params + buffers;
        sb.append("# parameters: ").append(params).append(" elements in ").append(paramTensors)
                .append(" tensors (").append(trainable).append(" trainable)\n");
        sb.append("# buffers: ").append(buffers).append(" elements in ").append(bufferTensors).append(" tensors\n");
        sb.append("# total: ").append(paramTensors + bufferTensors).append(" tensors, ").append(elements)
                .append(" elements, ").append(elements * 4).append(" bytes as float32\n");
        out.print(sb);
    }

    private static String shape(int[] s) {
        if (s.length == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : ",").append(s[i]);
        }
        return sb.toString();
    }
}
