package org.rcnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.io.Json;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/**
 * {@code rcnn4j example [--device D]}: runs every op on the inputs bundled in the jar (examples/, written by
 * examples/make_examples.py with torchvision) and compares the outputs with torchvision's. Exit code 1 if any
 * case disagrees or fails.
 */
final class ExampleCommand {
    private static final String ROOT = "/examples/";

    private ExampleCommand() {
    }

    /** One bundled case: an op, its --set values, its inputs and torchvision's outputs. */
    record Case(String name, String op, List<String> sets, String inputs, String expected, double tolerance) {
    }

    /** A case's outcome: the largest relative error over its outputs (0 for exact integer agreement). */
    record Outcome(Case c, double error, boolean pass, String note) {
    }

    static int run(List<String> args, PrintStream out) {
        String device = "cpu";
        boolean verbose = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--device") && i + 1 < args.size()) {
                device = Devices.checkName(args.get(++i));
            } else if (a.startsWith("--device=")) {
                device = Devices.checkName(a.substring("--device=".length()));
            } else if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println("usage: rcnn4j example [--device cpu|cuda|cuda-emu] [--verbose]");
                out.println("Runs every op on the bundled example inputs and compares with torchvision's outputs.");
                return Main.OK;
            } else {
                throw new UsageException("example: unexpected argument '" + a + "' (usage: rcnn4j example [--device D])");
            }
        }
        List<Case> cases = cases();
        List<Outcome> outcomes = new ArrayList<>();
        try (Backend backend = Devices.open(device)) {
            out.printf("rcnn4j %s example: every op on %s against torchvision's outputs%n%n", Main.version(), device);
            out.printf("%-22s %-20s %12s %10s  %s%n", "case", "op", "max rel err", "tolerance", "result");
            for (Case c : cases) {
                Outcome o = runCase(backend, c);
                outcomes.add(o);
                out.printf(Locale.ROOT, "%-22s %-20s %12s %10s  %s%n", c.name(), c.op(), format(o.error()),
                        c.tolerance() == 0 ? "exact" : String.format(Locale.ROOT, "%.0e", c.tolerance()),
                        (o.pass() ? "pass" : "FAIL") + (o.note().isEmpty() || (!verbose && o.pass()) ? ""
                                : " (" + o.note() + ")"));
            }
        }
        long passed = outcomes.stream().filter(Outcome::pass).count();
        out.printf("%n%d of %d cases agree with torchvision on %s%n", passed, outcomes.size(), device);
        return passed == outcomes.size() ? Main.OK : Main.FAILED;
    }

    private static String format(double error) {
        if (Double.isNaN(error)) {
            return "-";
        }
        return error == 0 ? "0" : String.format(Locale.ROOT, "%.2e", error);
    }

    static Outcome runCase(Backend backend, Case c) {
        try {
            OpSpec spec = OpCommand.spec(c.op());
            Params params = Params.parse(spec, c.sets());
            Map<String, Tensor> inputs = c.inputs() == null ? new java.util.LinkedHashMap<>() : load(c.inputs());
            Map<String, Tensor> expected = load(c.expected());
            ShapeBinder dims = OpRunner.check(spec, inputs, params);
            OpRunner.Result r = OpRunner.run(spec, backend, inputs, params, dims, 0);
            double worst = 0;
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                Tensor actual = r.outputs().get(e.getKey());
                if (actual == null) {
                    return new Outcome(c, Double.NaN, false, "no output " + e.getKey());
                }
                String shapeNote = shapeMismatch(e.getKey(), e.getValue(), actual);
                if (shapeNote != null) {
                    return new Outcome(c, Double.NaN, false, shapeNote);
                }
                worst = Math.max(worst, Compare.relativeError(e.getValue(), actual));
            }
            boolean pass = worst <= c.tolerance();
            return new Outcome(c, worst, pass, pass ? "" : "error above tolerance");
        } catch (UnsupportedOperationException e) {
            String why = Main.describe(e);
            return new Outcome(c, Double.NaN, false, why.contains("not implemented") ? why : "not implemented: " + why);
        } catch (RuntimeException e) {
            return new Outcome(c, Double.NaN, false, Main.describe(e));
        }
    }

    private static String shapeMismatch(String name, Tensor expected, Tensor actual) {
        if (java.util.Arrays.equals(expected.shape(), actual.shape())) {
            return null;
        }
        return name + ": shape " + Shapes.format(actual.shape()) + ", torchvision " + Shapes.format(expected.shape());
    }

    /** The bundled cases, from examples/index.json. */
    static List<Case> cases() {
        Object index;
        try (InputStream in = resource("index.json")) {
            index = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        for (Object o : (List<?>) ((Map<?, ?>) index).get("cases")) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<String> sets = new ArrayList<>();
            for (Object s : (List<?>) m.get("set")) {
                sets.add((String) s);
            }
            cases.add(new Case((String) m.get("name"), (String) m.get("op"), sets, (String) m.get("inputs"),
                    (String) m.get("expected"), ((Number) m.get("tolerance")).doubleValue()));
        }
        return cases;
    }

    private static InputStream resource(String name) {
        InputStream in = ExampleCommand.class.getResourceAsStream(ROOT + name);
        if (in == null) {
            throw new IllegalStateException("bundled example " + name + " is missing from the jar");
        }
        return in;
    }

    /** Reads a bundled safetensors file (a jar entry is not a file: copy it out first). */
    static Map<String, Tensor> load(String name) {
        try (InputStream in = resource(name)) {
            Path tmp = Files.createTempFile("rcnn4j-example-", ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return Safetensors.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
