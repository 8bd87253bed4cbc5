package org.rcnn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's arguments: {@code --name value}, {@code --name=value}, flags ({@code --name}), {@code -h/--help}
 * and positional arguments, checked against the options the command declares. Every mistake is a
 * {@link UsageException} naming the command and the option.
 */
final class CommandArgs {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private boolean help;

    private CommandArgs(String command) {
        this.command = command;
    }

    /**
     * @param valued options that take a value (with their leading dashes)
     * @param flags  options without a value
     * @param positionalsAllowed whether bare arguments are accepted
     */
    static CommandArgs parse(String command, List<String> args, Set<String> valued, Set<String> flags,
            boolean positionalsAllowed) {
        CommandArgs c = new CommandArgs(command);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-h") || a.equals("--help")) {
                c.help = true;
                continue;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                if (!positionalsAllowed) {
                    throw new UsageException(command + ": unexpected argument '" + a + "' (see rcnn4j " + command
                            + " --help)");
                }
                c.positionals.add(a);
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": " + name + " takes no value");
                }
                c.values.put(name, "");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(command + ": " + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                c.values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option '" + name + "' (see rcnn4j " + command
                        + " --help)");
            }
        }
        return c;
    }

    boolean help() {
        return help;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    List<String> positionals() {
        return List.copyOf(positionals);
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    /** One of {@code choices}. */
    String choice(String name, String dflt, List<String> choices) {
        String v = string(name, dflt);
        if (!choices.contains(v)) {
            String allowed = choices.size() == 1 ? choices.get(0) : String.join(", ", choices.subList(0,
                    choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
            throw new UsageException(command + ": " + name + " must be " + allowed + ", got '" + v + "'");
        }
        return v;
    }

    int intIn(String name, int dflt, int lo, int hi) {
        return has(name) ? OptionValues.intIn(command, name, values.get(name), lo, hi) : dflt;
    }

    long longOf(String name, long dflt) {
        return has(name) ? OptionValues.longOf(command, name, values.get(name)) : dflt;
    }

    /** A number in [lo, hi]. */
    double doubleIn(String name, double dflt, double lo, double hi) {
        if (!has(name)) {
            return dflt;
        }
        String v = values.get(name);
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": " + name + " must be a number, got '" + v + "'");
        }
        if (!(d >= lo && d <= hi)) {
            throw new UsageException(command + ": " + name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
        return d;
    }

    /** A path option, or null when absent. */
    Path path(String name) {
        if (!has(name)) {
            return null;
        }
        String v = values.get(name);
        if (v.isBlank()) {
            throw new UsageException(command + ": " + name + " needs a path");
        }
        return Path.of(v);
    }

    /** A path option that must be given. */
    Path requiredPath(String name, String what) {
        Path p = path(name);
        if (p == null) {
            throw new UsageException(command + ": " + name + " is required (" + name + " " + what + "; see rcnn4j "
                    + command + " --help)");
        }
        return p;
    }
}
