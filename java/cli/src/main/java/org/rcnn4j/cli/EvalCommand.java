package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.rcnn4j.coco.CocoAnnotation;
import org.rcnn4j.coco.CocoCategory;
import org.rcnn4j.coco.CocoDataset;
import org.rcnn4j.coco.CocoEval;
import org.rcnn4j.coco.CocoParams;
import org.rcnn4j.coco.CocoResults;

/**
 * {@code rcnn4j eval --gt GT.json --results RES.json [--iou-type bbox|segm] [--per-class]}: COCO-style AP of a
 * results file against COCO ground truth, printed as pycocotools' COCOeval.summarize() prints it.
 */
final class EvalCommand {
    static final String USAGE = "usage: rcnn4j eval --gt GT.json --results RES.json [--iou-type bbox|segm] "
            + "[--per-class]";

    private EvalCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        String gtPath = null;
        String resPath = null;
        String iouType = "bbox";
        boolean perClass = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String key = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
            String inline = a.contains("=") && a.startsWith("--") ? a.substring(a.indexOf('=') + 1) : null;
            switch (key) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    out.println("   or: rcnn4j eval --weights model.safetensors --data DIR|FILE.json [--images DIR] "
                            + "(a trained model on a dataset; rcnn4j eval --weights x --help)");
                    out.println("Evaluates COCO results (a JSON list of {image_id, category_id, bbox or segmentation,"
                            + " score}) against a COCO instances file as pycocotools' COCOeval does, and prints its"
                            + " 12-line summary; --per-class adds each category's AP (IoU=0.50:0.95, all areas,"
                            + " maxDets=100).");
                    return Main.OK;
                }
                case "--gt" -> gtPath = inline != null ? inline : value(args, ++i, a);
                case "--results" -> resPath = inline != null ? inline : value(args, ++i, a);
                case "--iou-type" -> iouType = inline != null ? inline : value(args, ++i, a);
                case "--per-class" -> perClass = true;
                default -> throw new UsageException("eval: unexpected argument '" + a + "' (" + USAGE + ")");
            }
        }
        if (gtPath == null || resPath == null) {
            throw new UsageException("eval: " + (gtPath == null ? "--gt" : "--results") + " is required (" + USAGE
                    + ")");
        }
        CocoParams.IouType type = switch (iouType) {
            case "bbox" -> CocoParams.IouType.BBOX;
            case "segm" -> CocoParams.IouType.SEGM;
            default -> throw new UsageException("eval: --iou-type must be bbox or segm, got '" + iouType + "'");
        };
        CocoEval e;
        try {
            CocoDataset gt = CocoDataset.read(Path.of(gtPath));
            List<CocoAnnotation> dt = CocoResults.read(Path.of(resPath), gt);
            e = new CocoEval(gt, dt, CocoParams.defaults(type));
            e.evaluate().accumulate();
        } catch (NoSuchFileException ex) {
            throw new UsageException("eval: no such file: " + ex.getFile());
        } catch (IOException ex) {
            throw new UsageException("eval: cannot read: " + ex.getMessage());
        } catch (IllegalArgumentException ex) { // CocoFormatException: names the file, the entry and the reason
            throw new UsageException(ex.getMessage());
        }
        out.print(e.summaryText());
        if (perClass) {
            printPerClass(e, out);
        }
        return Main.OK;
    }

    private static void printPerClass(CocoEval e, PrintStream out) {
        long[] ids = e.catIds();
        double[] ap = e.perCategoryAp();
        out.println("per-class AP @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]:");
        for (int k = 0; k < ids.length; k++) {
            CocoCategory c = e.category(ids[k]);
            out.println(String.format(Locale.ROOT, "  %6d  %-24s %s", ids[k], c == null ? "" : c.name(),
                    ap[k] < 0 ? "   n/a" : String.format(Locale.ROOT, "%6.3f", ap[k])));
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException("eval: " + option + " needs a value");
        }
        return args.get(i);
    }
}
