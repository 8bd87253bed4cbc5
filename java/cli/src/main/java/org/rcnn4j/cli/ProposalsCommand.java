package org.rcnn4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.rcnn4j.io.AtomicFiles;
import org.rcnn4j.io.Json;
import org.rcnn4j.proposals.RgbImage;
import org.rcnn4j.proposals.SelectiveSearch;

/**
 * {@code rcnn4j proposals IMAGE... [--mode fast|quality|single] [--top N] [--seed S] [--ranking R] --out FILE.json}:
 * selective search object proposals for each image, written as JSON (atomically) with a one-line summary per image.
 */
final class ProposalsCommand {
    static final String USAGE = "usage: rcnn4j proposals IMAGE... [--mode fast|quality|single] [--top N] [--seed S] "
            + "[--ranking diverse|paper|depth] --out FILE.json";

    private ProposalsCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        List<Path> images = new ArrayList<>();
        SelectiveSearch.Mode mode = SelectiveSearch.Mode.FAST;
        int top = -1;
        long seed = SelectiveSearch.DEFAULT_SEED;
        SelectiveSearch.Ranking ranking = SelectiveSearch.Ranking.DIVERSE;
        Path target = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String opt = a;
            String val = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                opt = a.substring(0, eq);
                val = a.substring(eq + 1);
            }
            switch (opt) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    out.println(help());
                    return Main.OK;
                }
                case "--mode", "--top", "--seed", "--ranking", "--out" -> {
                    if (val == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("proposals: " + opt + " needs a value (" + USAGE + ")");
                        }
                        val = args.get(++i);
                    }
                    switch (opt) {
                        case "--mode" -> {
                            try {
                                mode = SelectiveSearch.Mode.parse(val);
                            } catch (IllegalArgumentException e) {
                                throw new UsageException("proposals: --" + e.getMessage());
                            }
                        }
                        case "--top" -> {
                            top = parseInt(opt, val);
                            if (top <= 0) {
                                throw new UsageException("proposals: --top: expected a positive integer, got " + val);
                            }
                        }
                        case "--seed" -> seed = parseLong(opt, val);
                        case "--ranking" -> {
                            try {
                                ranking = SelectiveSearch.Ranking.parse(val);
                            } catch (IllegalArgumentException e) {
                                throw new UsageException("proposals: --" + e.getMessage());
                            }
                        }
                        default -> target = Path.of(val);
                    }
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new UsageException("proposals: unknown option '" + a + "' (" + USAGE + ")");
                    }
                    images.add(Path.of(a));
                }
            }
        }
        if (images.isEmpty()) {
            throw new UsageException("proposals: no image given (" + USAGE + ")");
        }
        if (target == null) {
            throw new UsageException("proposals: --out FILE.json is required (" + USAGE + ")");
        }
        List<Object> results = new ArrayList<>();
        for (Path p : images) {
            RgbImage im = read(p);
            long t0 = System.nanoTime();
            int[][] boxes = SelectiveSearch.propose(im, SelectiveSearch.strategies(mode), seed, ranking);
            double ms = (System.nanoTime() - t0) / 1e6;
            int n = top > 0 ? Math.min(top, boxes.length) : boxes.length;
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int[] b = boxes[i];
                list.add(List.of(b[0], b[1], b[2], b[3]));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", p.toString());
            entry.put("width", im.width());
            entry.put("height", im.height());
            entry.put("proposals", list);
            results.add(entry);
            out.printf(Locale.ROOT, "%s: %dx%d, %d proposals (%d distinct), mode %s, %.1f ms%n", p, im.width(),
                    im.height(), n, boxes.length, mode.name().toLowerCase(Locale.ROOT), ms);
        }
        String json = Json.write(Map.of("images", results)) + "\n";
        try {
            AtomicFiles.write(target, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UsageException("proposals: cannot write " + target + ": " + Main.describe(e));
        }
        return Main.OK;
    }

    private static RgbImage read(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new UsageException("proposals: no such image file: " + p);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(p.toFile());
        } catch (IOException | RuntimeException e) {
            throw new UsageException("proposals: cannot read image " + p + ": " + Main.describe(e));
        }
        if (img == null) {
            throw new UsageException("proposals: cannot read image " + p + ": not a PNG, JPEG, BMP or GIF image");
        }
        return RgbImage.of(img);
    }

    private static int parseInt(String opt, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("proposals: " + opt + ": expected an integer, got '" + v + "'");
        }
    }

    private static long parseLong(String opt, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("proposals: " + opt + ": expected an integer, got '" + v + "'");
        }
    }

    private static String help() {
        return String.format(Locale.ROOT, """
                Selective search (Uijlings et al. 2013) object proposals for each image (PNG, JPEG, BMP, GIF).
                  --mode fast     HSV and Lab, k = 50, 100, similarities C+T+S+F and T+S+F (default)
                  --mode quality  HSV, Lab, rgI, H, I, k = 50, 100, 150, 300, C+T+S+F, T+S+F, F, S
                  --mode single   HSV, k = 100, C+T+S+F
                  --top N         keep the N best-ranked boxes (default: all)
                  --seed S        the ranking's random seed (default fixed: the output is reproducible)
                  --ranking R     diverse (default): paper's order, then each box overlapping a better-ranked
                                  kept box at IoU above %s moved behind the kept ones (fewer repeats at the top);
                                  paper: a region's position from the top of its hierarchy times a random
                                  number; depth: its depth in the merge tree instead (small regions first, as
                                  OpenCV)
                Writes {"images":[{"file","width","height","proposals":[[x1,y1,x2,y2],...]}]}; x2, y2 are exclusive
                (a box around the whole image is [0,0,width,height]).""", SelectiveSearch.DEMOTE_IOU);
    }
}
