package org.rcnn4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.io.Safetensors;
import org.rcnn4j.tensor.Shapes;
import org.rcnn4j.tensor.Tensor;

/** {@code rcnn4j op NAME --in IN --out OUT [--device D] [--set key=value]... [--repeat N]}. */
final class OpCommand {
    private OpCommand() {
    }

    /** The parsed command line of {@code op}. */
    record Options(String op, Path in, Path out, String device, List<String> sets, int repeat, boolean help) {
    }

    static Options parse(List<String> args) {
        String op = null;
        Path in = null;
        Path out = null;
        String device = "cpu";
        List<String> sets = new ArrayList<>();
        int repeat = 0;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> help = true;
                case "--in", "--out", "--device", "--set", "--repeat" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException(a + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (a) {
                        case "--in" -> in = path(a, in, value);
                        case "--out" -> out = path(a, out, value);
                        case "--device" -> device = Devices.checkName(value);
                        case "--set" -> sets.add(value);
                        default -> repeat = repeat(value);
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("op: unknown option '" + a + "' (see rcnn4j op --help)");
                    }
                    if (op != null) {
                        throw new UsageException("op: unexpected argument '" + a + "' after the op name " + op);
                    }
                    op = a;
                }
            }
        }
        return new Options(op, in, out, device, sets, repeat, help);
    }

    private static Path path(String option, Path previous, String value) {
        if (previous != null) {
            throw new UsageException(option + " given twice");
        }
        if (value.isEmpty()) {
            throw new UsageException(option + " needs a file name");
        }
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(option + ": bad file name '" + value + "'");
        }
    }

    private static int repeat(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--repeat: expected an integer in [1, 1000000], got '" + value + "'");
    }

    static int run(List<String> args, PrintStream out) {
        Options o = parse(args);
        if (o.help()) {
            out.print(o.op() == null ? Help.ops() : Help.op(spec(o.op())));
            return 0;
        }
        if (o.op() == null) {
            throw new UsageException("op: which op? (" + Ops.names() + "; see rcnn4j op --help)");
        }
        OpSpec spec = spec(o.op());
        Params params = Params.parse(spec, o.sets());
        Map<String, Tensor> inputs = o.in() == null ? new LinkedHashMap<>() : readInputs(o.in());
        if (o.in() == null && spec.inputs().stream().anyMatch(t -> !t.optional())) {
            throw new UsageException(spec.name() + ": --in FILE.safetensors is required (see rcnn4j op " + spec.name()
                    + " --help)");
        }
        ShapeBinder dims = OpRunner.check(spec, inputs, params);
        if (o.out() != null) {
            checkWritable(o.out());
        }
        OpRunner.Result result;
        try (Backend backend = Devices.open(o.device())) {
            result = OpRunner.run(spec, backend, inputs, params, dims, o.repeat());
        } catch (IllegalArgumentException e) {
            // the backend's own argument checks (OpChecks): a bad input the CLI's checks let through
            throw new UsageException(spec.name() + ": " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException(spec.name() + " on --device " + o.device() + ": "
                    + Main.describe(e), e);
        }
        if (o.out() != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("op", spec.name());
            meta.put("device", o.device());
            meta.put("set", params.describe());
            try {
                Safetensors.write(o.out(), result.outputs(), meta);
            } catch (IOException e) {
                throw new UsageException("cannot write " + o.out() + ": " + Main.describe(e));
            }
        }
        for (Map.Entry<String, Tensor> e : result.outputs().entrySet()) {
            out.println((o.out() != null ? "wrote " + o.out() + ": " : "") + e.getKey() + " " + e.getValue().dtype()
                    + Shapes.format(e.getValue().shape()));
        }
        if (o.repeat() > 0) {
            out.println(result.timing().describe());
        }
        return 0;
    }

    static OpSpec spec(String name) {
        OpSpec spec = Ops.get(name);
        if (spec == null) {
            throw new UsageException("unknown op '" + name + "' (ops: " + Ops.names() + ")");
        }
        return spec;
    }

    static Map<String, Tensor> readInputs(Path in) {
        if (Files.isDirectory(in)) {
            throw new UsageException("cannot read " + in + ": it is a directory");
        }
        if (!Files.exists(in)) {
            throw new UsageException("cannot read " + in + ": no such file");
        }
        try {
            return Safetensors.read(in);
        } catch (IOException e) {
            throw new UsageException("cannot read " + in + ": " + Main.describe(e));
        } catch (RuntimeException e) {
            // a malformed header can surface as a runtime exception from the parser
            throw new UsageException("cannot read " + in + ": not a valid safetensors file (" + Main.describe(e)
                    + ")");
        }
    }

    /** Fails early (before minutes of work) when the output cannot be written. */
    private static void checkWritable(Path out) {
        if (Files.isDirectory(out)) {
            throw new UsageException("cannot write " + out + ": it is a directory");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && Files.exists(dir) && !Files.isWritable(dir)) {
            throw new UsageException("cannot write " + out + ": directory " + dir + " is not writable");
        }
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("cannot write " + out + ": " + dir + " is not a directory");
        }
    }
}
