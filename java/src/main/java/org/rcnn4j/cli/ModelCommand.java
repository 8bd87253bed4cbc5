package org.rcnn4j.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.rcnn4j.models.ModelOptions;
import org.rcnn4j.models.Models;
import org.rcnn4j.models.Norm;
import org.rcnn4j.nn.Buffer;
import org.rcnn4j.nn.Module;
import org.rcnn4j.nn.Parameter;
import org.rcnn4j.nn.StateEntry;

/**
 * {@code rcnn4j model NAME [--num-classes N] [--norm frozen|batch] [--trainable-backbone-layers N]}: the model's
 * state_dict layout, one {@code key shape} line per parameter and buffer in torchvision's order, then totals.
 * Builds the structure only; no values are allocated.
 */
final class ModelCommand {
    private ModelCommand() {
    }

    static String help() {
        return """
                usage: rcnn4j model NAME [--num-classes N] [--norm frozen|batch] [--trainable-backbone-layers N]

                Prints the model's state_dict layout as torchvision names it: one line `key shape` per parameter and
                buffer in state_dict order (shape comma-separated, `-` for a scalar), then `#` lines with the totals
                (parameters, trainable parameters, buffers, elements, bytes as float32).

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
                """;
    }

    static int run(List<String> args, PrintStream out) {
        String name = null;
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
                case "--num-classes", "--norm", "--trainable-backbone-layers" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("model: " + a + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    try {
                        switch (a) {
                            case "--num-classes" -> options = options.withNumClasses(integer(a, value));
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
        print(Models.create(name, options), out);
        return Main.OK;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("model: " + option + " needs an integer, got '" + value + "'");
        }
    }

    static void print(Module m, PrintStream out) {
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
