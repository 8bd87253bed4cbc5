package org.rcnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The rcnn4j command line: {@code op} runs one kernel on safetensors inputs, {@code example} runs every op on
 * bundled inputs against torchvision's outputs, {@code devices} tells which backends work here.
 *
 * <p>Errors are one line on stderr, {@code rcnn4j: error: ...}: exit code 2 for what the user can fix
 * (arguments, files, values), 1 for failures (an example that disagrees, an internal error).
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        // exit explicitly: no library thread (JCuda, thread pools) may keep the JVM alive
        System.exit(code);
    }

    /** Runs one command with the given streams and returns its exit code; never throws, never exits. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> a = Arrays.asList(args);
        try {
            return dispatch(a, out, err);
        } catch (UsageException e) {
            err.println("rcnn4j: error: " + e.getMessage());
            return USAGE;
        } catch (UnsupportedOperationException e) {
            err.println("rcnn4j: error: " + describe(e));
            debug(e, err);
            return FAILED;
        } catch (OutOfMemoryError e) {
            err.println("rcnn4j: error: out of memory (" + describe(e) + "); give Java more with "
                    + "RCNN4J_JAVA_OPTS=-Xmx8g");
            return FAILED;
        } catch (Throwable e) { // internal errors: one line, the stack only on request
            err.println("rcnn4j: error: internal error: " + describe(e) + " (RCNN4J_DEBUG=1 shows the stack trace)");
            debug(e, err);
            return FAILED;
        } finally {
            out.flush();
        }
    }

    private static int dispatch(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(Help.main());
            return USAGE;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "-h", "--help", "help":
                out.print(Help.main());
                return OK;
            case "--version", "version":
                out.println("rcnn4j " + version());
                return OK;
            case "op":
                return OpCommand.run(rest, out);
            case "devices":
                if (CommandArgs.parse(command, rest, Set.of(), Set.of(), false).help()) {
                    out.print(Devices.help());
                    return OK;
                }
                return Devices.list(out);
            case "proposals":
                return ProposalsCommand.run(rest, out);
            case "example", "demo-ops":
                return ExampleCommand.run(rest, out);
            case "model":
                return ModelCommand.run(rest, out, err);
            case "eval":
                return rest.stream().anyMatch(x -> x.equals("--weights") || x.startsWith("--weights="))
                        ? ModelEvalCommand.run(rest, out, err) : EvalCommand.run(rest, out);
            case "train":
                return TrainCommand.run(rest, out, err);
            case "detect":
                return DetectCommand.run(rest, out, err);
            case "classify-localize":
                return ClassifyLocalizeCommand.run(rest, out);
            case "scenes":
                return ScenesCommand.run(rest, out);
            case "rcnn":
                return RcnnCommand.run(rest, out);
            case "fast-rcnn":
                return FastRcnnCommand.run(rest, out);
            case "demo":
                return DemoCommand.run(rest, out, err);
            case "compare":
                return CompareCommand.run(rest, out, err);
            case "bench-detector":
                return BenchDetectorCommand.run(rest, out);
            default:
                throw new UsageException("unknown command '" + command + "' (commands: demo, train, detect, eval, "
                        + "op, example, devices, model, scenes, proposals, classify-localize, rcnn, fast-rcnn, "
                        + "compare, bench-detector; see rcnn4j --help)");
        }
    }

    /** The Maven version recorded in the jar, or "development build" when run from classes. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/org.rcnn4j/rcnn4j/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "(development build)";
    }

    /** An exception as one line: its message (or its type when it has none), then its causes' messages. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            String m = t.getMessage();
            String part = m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
            if (t instanceof java.nio.file.NoSuchFileException) {
                part = "no such file: " + part;
            } else if (t instanceof java.nio.file.AccessDeniedException) {
                part = "permission denied: " + part;
            }
            if (sb.indexOf(part) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(part);
            }
        }
        return sb.toString().replace('\n', ' ');
    }

    private static void debug(Throwable e, PrintStream err) {
        if ("1".equals(System.getenv("RCNN4J_DEBUG"))) {
            e.printStackTrace(err);
        }
    }
}
