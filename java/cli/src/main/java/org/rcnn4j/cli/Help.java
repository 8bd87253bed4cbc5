package org.rcnn4j.cli;

/** The help texts; the op tables come from the op specs, so they cannot drift from what runs. */
final class Help {
    private Help() {
    }

    static String main() {
        return """
                usage: rcnn4j <command> [options]

                rcnn4j: R-CNN family detection kernels (NMS, RoIAlign, RoIPool, box coding, anchors, mask pasting,
                conv2d) with torchvision's semantics, on a pure-Java CPU backend or CUDA through JCuda.

                commands:
                  demo [--device D] [--out DIR] [--steps N]
                                 train a small Mask R-CNN on Fashion-MNIST scenes (no download, 7..9 min on 2 cores),
                                 evaluate box and mask AP on held-out scenes, write pictures and curves
                  train --data DIR|FILE.json [--images DIR] --out DIR [--model maskrcnn|fasterrcnn] [--steps N]
                                 train a detector on a COCO dataset (checkpoints, resume, log, curves)
                  detect IMAGE... --weights model.safetensors --out DIR
                                 detect objects in images with a trained model: PNGs + COCO results JSON
                  eval --weights model.safetensors --data DIR|FILE.json [--images DIR]
                                 COCO box (and mask) AP of a trained model on a dataset
                  op NAME --in IN.safetensors --out OUT.safetensors [--device D] [--set key=value]... [--repeat N]
                                 run one kernel on tensors from a safetensors file (rcnn4j op --help lists the ops)
                  example [--device D] [--verbose]
                                 run every op on the bundled example inputs and compare with torchvision's outputs
                                 (alias: demo-ops); exit code 1 if any op disagrees
                  scenes --count N --out DIR [--seed S] [--split train|test] [--size PX] [--preview]
                                 write Fashion-MNIST detection scenes as a COCO dataset (images + annotations.json)
                  proposals IMAGE... [--mode fast|quality] [--top N] --out FILE.json
                                 selective search object proposals for images (boxes as JSON)
                  compare [--train-scenes N] [--test-scenes N] [--steps N] [--out DIR]
                                 R-CNN, Fast R-CNN, Faster R-CNN and Mask R-CNN on the same scenes: one table
                  bench-detector [--height 800 --width 1216] [--repeat N]
                                 time maskrcnn_resnet50_fpn inference (random weights) stage by stage
                  devices        which devices (backends) work on this machine, and why not
                  model NAME [--num-classes N] [--norm frozen|batch] [--weights FILE]
                                 print a model's state_dict layout (torchvision's keys and shapes) and totals;
                                 with --weights, load a .pth/.safetensors file and check every key against it;
                                 models: fasterrcnn_resnet50_fpn, maskrcnn_resnet50_fpn, vgg16, fasterrcnn_small,
                                 maskrcnn_small (rcnn4j model --help)
                  eval --gt GT.json --results RES.json [--iou-type bbox|segm] [--per-class]
                                 COCO-style AP of detections against COCO ground truth (pycocotools' COCOeval)
                  classify-localize [--alpha A] [--epochs N] [--train N] [--test N] [--device D] [--seed S] [--out DIR]
                                 train and evaluate a small classification + localization ConvNet on one-item scenes
                  rcnn [--train-scenes N] [--test-scenes N] [--seed S] [--out DIR]
                                 R-CNN (selective search, frozen ConvNet features, per-class SVMs with hard-negative
                                 mining, box regression, NMS) on Fashion-MNIST scenes; prints COCO box AP
                  fast-rcnn [--train-scenes N] [--test-scenes N] [--steps N] [--device D] [--seed S] [--out DIR]
                                 Fast R-CNN (selective search, one conv pass, RoIPool, softmax + box heads) trained
                                 on Fashion-MNIST scenes; prints COCO box AP on held-out scenes
                  --version      print the version
                  --help         print this help

                devices (--device): cpu (default; pure Java, every core), cuda (an NVIDIA GPU),
                  cuda-emu (the same CUDA kernels run by rcnn4j's CPU emulation of CUDA; slow, for testing)

                exit codes: 0 done, 1 failure (an example disagreed, an internal error), 2 bad usage or input
                environment: RCNN4J_DEBUG=1 prints stack traces of internal errors
                """;
    }

    static String ops() {
        StringBuilder sb = new StringBuilder("""
                usage: rcnn4j op NAME --in IN.safetensors [--out OUT.safetensors] [--device cpu|cuda|cuda-emu]
                                 [--set key=value]... [--repeat N]

                Reads the op's input tensors (by name) from IN, runs the op on the device and writes its outputs
                (by name) to OUT, atomically; without --out it prints the outputs' shapes only. Float inputs are F32
                (F64 where the backend takes it), integer inputs I64 or I32. Boxes are (x1, y1, x2, y2) and must be
                finite and not inverted. --repeat N runs the op N more times after a warm-up and prints
                median_ms=... min_ms=... (per phase too, e.g. forward and backward).
                rcnn4j op NAME --help shows one op.

                ops:
                """);
        for (OpSpec s : Ops.all()) {
            sb.append(summary(s));
        }
        return sb.toString();
    }

    private static String summary(OpSpec s) {
        StringBuilder sb = new StringBuilder();
        sb.append("  ").append(s.name()).append(": ").append(s.summary()).append('\n');
        sb.append("      inputs:  ").append(tensors(s.inputs())).append('\n');
        sb.append("      --set:   ");
        if (s.params().isEmpty()) {
            sb.append("(none)");
        }
        for (int i = 0; i < s.params().size(); i++) {
            ParamSpec p = s.params().get(i);
            sb.append(i == 0 ? "" : ", ").append(p.key()).append(p.required() ? " (required)" : "=" + p.defaultValue());
        }
        sb.append('\n');
        sb.append("      outputs: ").append(tensors(s.outputs())).append('\n');
        return sb.toString();
    }

    private static String tensors(java.util.List<TensorSpec> ts) {
        if (ts.isEmpty()) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.size(); i++) {
            TensorSpec t = ts.get(i);
            sb.append(i == 0 ? "" : ", ").append(t.name()).append(' ').append(t.shape());
            if (t.optional()) {
                sb.append(" (optional)");
            }
        }
        return sb.toString();
    }

    static String op(OpSpec s) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: rcnn4j op ").append(s.name());
        if (!s.inputs().isEmpty()) {
            sb.append(" --in IN.safetensors");
        }
        sb.append(" --out OUT.safetensors [--device D]");
        for (ParamSpec p : s.params()) {
            sb.append(p.required() ? " --set " + p.key() + "=..." : "");
        }
        sb.append(" [--set key=value]... [--repeat N]\n\n").append(s.summary()).append("\n\ninputs:\n");
        if (s.inputs().isEmpty()) {
            sb.append("  (none: --in is not needed)\n");
        }
        for (TensorSpec t : s.inputs()) {
            sb.append(String.format("  %-16s %-14s %-37s %s%n", t.name(), t.shape(), t.kind().describe,
                    (t.optional() ? "optional: " : "") + t.doc()));
        }
        sb.append("\n--set:\n");
        if (s.params().isEmpty()) {
            sb.append("  (none)\n");
        }
        for (ParamSpec p : s.params()) {
            sb.append(String.format("  %-16s %-22s %s%n", p.key(), p.required() ? "required" : "default " + p.defaultValue(),
                    p.doc()));
        }
        sb.append("\noutputs:\n");
        for (TensorSpec t : s.outputs()) {
            sb.append(String.format("  %-16s %-14s %-6s %s%n", t.name(), t.shape(),
                    t.kind() == TensorSpec.Kind.OUT_INDEX ? "I64" : "F32", t.doc()));
        }
        return sb.toString();
    }
}
