import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rcnn4j.autograd.Autograd;
import org.rcnn4j.autograd.Scope;
import org.rcnn4j.autograd.Var;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.backend.Backends;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.detection.GeneralizedRcnn;
import org.rcnn4j.detection.GeneralizedRcnnTransform;
import org.rcnn4j.detection.ModelFile;
import org.rcnn4j.detection.RcnnConfig;
import org.rcnn4j.tensor.Tensor;

/**
 * How well a trained maskrcnn_small's box head names items when nothing else is in the way: held-out items alone
 * on 128x128 scenes at six sizes (21..70 px, the demo's range), each classified on its own true box. Without
 * overlapping items and proposals that miss, this is the ceiling of the detector's naming, to set beside
 * pretraining's held-out accuracy (the demo prints it) and the naming the demo reaches in its scenes
 * (tools/demo_error_analysis.py).
 *
 *     ./rcnn4j demo --out demo-output
 *     java --add-modules jdk.incubator.vector -cp java/cli/target/rcnn4j-cli-0.1.0-SNAPSHOT-standalone.jar \
 *         tools/IsolatedItemNaming.java demo-output/model.safetensors
 *
 * Prints per size the share named right and the share per class (T-shirt/top .. Ankle boot). 400 candidate
 * scenes per size (items too faint to keep are left out), test split, seed 7.
 */
public final class IsolatedItemNaming {
    private static final double[] SCALES = {0.75, 1.0, 1.25, 1.5, 2.0, 2.5};
    private static final int CANVAS = 128;
    private static final int SCENES = 400;
    private static final int BATCH = 25;

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: java ... tools/IsolatedItemNaming.java MODEL.safetensors (a trained "
                    + "maskrcnn_small, e.g. demo-output/model.safetensors)");
            System.exit(2);
        }
        GeneralizedRcnn model = ModelFile.read(Path.of(args[0])).build();
        try (Backend backend = Backends.create("cpu")) {
            model.to(backend);
            try {
                report(model, backend);
            } finally {
                model.release();
            }
        }
    }

    private static void report(GeneralizedRcnn model, Backend backend) {
        model.eval();
        System.out.println("size   right  per class: " + String.join(", ", FashionMnist.CLASS_NAMES));
        for (double scale : SCALES) {
            // sizes within 3% of 28 px x scale
            FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(FashionMnist.Split.TEST),
                    new SceneConfig(CANVAS, CANVAS, 1, 1, scale * 0.97, scale * 1.03, 0.6, 24, 0.05), 7, SCENES);
            int[] right = new int[10];
            int[] seen = new int[10];
            List<Sample> kept = new ArrayList<>();
            for (int i = 0; i < SCENES; i++) {
                Sample s = scenes.get(i);
                if (s.count() == 1) {
                    kept.add(s);
                }
            }
            try (Autograd.NoGrad ng = Autograd.noGrad()) {
                for (int from = 0; from < kept.size(); from += BATCH) {
                    name(model, backend, kept.subList(from, Math.min(kept.size(), from + BATCH)), right, seen);
                }
            }
            StringBuilder perClass = new StringBuilder();
            int total = 0;
            int totalRight = 0;
            for (int k = 0; k < 10; k++) {
                perClass.append(String.format(Locale.ROOT, " %3.0f", 100.0 * right[k] / Math.max(1, seen[k])));
                total += seen[k];
                totalRight += right[k];
            }
            System.out.printf(Locale.ROOT, "%3.0f px %5.1f%% %s   (%d items)%n", scale * 28,
                    100.0 * totalRight / total, perClass, total);
        }
    }

    /** Classifies each sample's item on its own box; counts per true class. */
    private static void name(GeneralizedRcnn model, Backend backend, List<Sample> batch, int[] right, int[] seen) {
        RcnnConfig c = RcnnConfig.torchvisionDefaults();
        int plane = 3 * CANVAS * CANVAS;
        float[] images = new float[batch.size() * plane];
        List<Tensor> boxes = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        try (Scope scope = Scope.open()) {
            for (int i = 0; i < batch.size(); i++) {
                Tensor img = GeneralizedRcnnTransform.normalize(batch.get(i).image(), c.imageMean(), c.imageStd());
                System.arraycopy(img.floats(), 0, images, i * plane, plane);
                boxes.add(backend.toDevice(Tensor.ofFloats(batch.get(i).boxes().floats().clone(), 1, 4)));
                sizes.add(new int[] {CANVAS, CANVAS});
            }
            Var x = Var.fromHost(backend, Tensor.ofFloats(images, batch.size(), 3, CANVAS, CANVAS));
            float[] logits = backend.toHost(model.roiHeads().classLogits(model.backbone().forward(x), boxes, sizes)
                    .value()).floats();
            int k = logits.length / batch.size();
            for (int i = 0; i < batch.size(); i++) {
                int best = 1;
                for (int j = 2; j < k; j++) {
                    if (logits[i * k + j] > logits[i * k + best]) {
                        best = j;
                    }
                }
                int label = (int) batch.get(i).labels().longs()[0];
                seen[label - 1]++;
                right[label - 1] += best == label ? 1 : 0;
            }
        } finally {
            boxes.forEach(Tensor::close);
        }
    }
}
