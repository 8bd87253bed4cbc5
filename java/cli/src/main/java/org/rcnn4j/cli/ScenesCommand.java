package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rcnn4j.data.FashionMnist;
import org.rcnn4j.data.FashionMnistScenes;
import org.rcnn4j.data.Sample;
import org.rcnn4j.data.SceneConfig;
import org.rcnn4j.viz.Pngs;
import org.rcnn4j.viz.SceneGrid;

/**
 * {@code rcnn4j scenes --count N --out DIR [--seed S] [--split train|test] [--size PX] [--preview]}: writes
 * Fashion-MNIST scenes as a COCO dataset (DIR/images/*.png, DIR/annotations.json), atomically; --preview adds
 * DIR/preview.png, a grid of the first scenes with their ground truth drawn.
 */
final class ScenesCommand {
    static final int PREVIEW_SCENES = 16;
    static final int MAX_COUNT = 1_000_000;

    private ScenesCommand() {
    }

    record Options(int count, long seed, FashionMnist.Split split, Path out, int size, boolean preview, boolean help) {
    }

    static String help() {
        return """
                usage: rcnn4j scenes --count N --out DIR [--seed S] [--split train|test] [--size PX] [--preview]

                Writes N detection scenes made of Fashion-MNIST items (1..5 tinted, rescaled items per scene on a
                noisy background; later items occlude earlier ones) as a COCO instances dataset: DIR/images/*.png
                and DIR/annotations.json (bbox [x,y,w,h], area, iscrowd 0, segmentation as uncompressed RLE,
                categories 1..10 = Fashion-MNIST classes). DIR must not exist or be empty; it is written under a
                temporary name and renamed when complete. The same --seed gives the same files.
                  --split train|test  which Fashion-MNIST items (bundled: 10000 train, 500 test); default train
                  --size PX           canvas side in pixels, 32..1024; default 128
                  --seed S            default 0
                  --preview           also write DIR/preview.png: the first scenes with their ground truth drawn
                """;
    }

    static Options parse(List<String> args) {
        CommandArgs a = CommandArgs.parse("scenes", args, Set.of("--count", "--seed", "--split", "--out", "--size"),
                Set.of("--preview"), false);
        if (a.help()) {
            return new Options(0, 0, FashionMnist.Split.TRAIN, null, 128, false, true);
        }
        if (!a.has("--count")) {
            throw new UsageException("scenes: --count is required");
        }
        int count = a.intIn("--count", 0, 1, MAX_COUNT);
        FashionMnist.Split split = a.choice("--split", "train", List.of("train", "test")).equals("train")
                ? FashionMnist.Split.TRAIN : FashionMnist.Split.TEST;
        int size = a.intIn("--size", 128, 32, 1024);
        return new Options(count, a.longOf("--seed", 0), split, a.requiredPath("--out", "DIR"), size,
                a.has("--preview"), false);
    }



    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        if (o.help()) {
            out.print(help());
            return Main.OK;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // pictures only; never look for a display
        }
        FashionMnistScenes scenes = new FashionMnistScenes(FashionMnist.bundled(o.split()),
                SceneConfig.sized(o.size(), o.size()), o.seed(), o.count());
        CocoScenesExport.Extra extra = !o.preview() ? null : dir -> {
            List<Sample> first = new ArrayList<>();
            for (int i = 0; i < Math.min(PREVIEW_SCENES, scenes.size()); i++) {
                first.add(scenes.get(i));
            }
            int scale = o.size() <= 160 ? 2 : 1;
            Pngs.write(dir.resolve("preview.png"), SceneGrid.render(first, FashionMnist.CLASS_NAMES, 4, scale));
        };
        try {
            CocoScenesExport.write(scenes, FashionMnist.CLASS_NAMES, o.out(), extra);
        } catch (IOException e) {
            throw new UsageException("scenes: cannot write " + o.out() + ": " + Main.describe(e));
        }
        out.println("wrote " + o.count() + " scenes (" + o.split().name().toLowerCase(java.util.Locale.ROOT)
                + ", seed " + o.seed() + ", " + o.size() + "x" + o.size() + ") to " + o.out()
                + (o.preview() ? " (preview: " + o.out().resolve("preview.png") + ")" : ""));
        return Main.OK;
    }
}
