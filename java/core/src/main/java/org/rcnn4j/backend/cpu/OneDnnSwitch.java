package org.rcnn4j.backend.cpu;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.rcnn4j.onednn.OneDnn;

/**
 * One system property that hands part of the CPU backend's work to oneDNN ({@link OneDnn}): {@code auto} (oneDNN
 * where it loads with what the route needs, else rcnn4j's own code), {@code true} (oneDNN, and an error naming what
 * is missing where it is not there) or {@code false}. Resolved on first use, once per JVM.
 */
final class OneDnnSwitch {
    private final String property;
    private final String defaultValue;
    private final String fallback;
    private final Predicate<OneDnn.Status> usable;
    private volatile Boolean enabled;

    /**
     * @param fallback what runs instead, for the error message ("rcnn4j's own GEMM")
     * @param usable what the route needs of a loaded oneDNN
     */
    OneDnnSwitch(String property, String defaultValue, String fallback, Predicate<OneDnn.Status> usable) {
        this.property = property;
        this.defaultValue = defaultValue;
        this.fallback = fallback;
        this.usable = usable;
    }

    /** The property's value, or its default. */
    String setting() {
        return System.getProperty(property, defaultValue);
    }

    /**
     * Whether the route goes to oneDNN.
     *
     * @throws IllegalStateException when the property is true and oneDNN is not usable
     * @throws IllegalArgumentException when it is not one of auto/true/false
     */
    boolean enabled() {
        Boolean e = enabled;
        if (e == null) {
            synchronized (this) {
                e = enabled;
                if (e == null) {
                    e = resolve(setting(), OneDnn::status);
                    enabled = e;
                }
            }
        }
        return e;
    }

    /** Turns the route on or off for this JVM (tests), returning the previous setting. */
    synchronized boolean use(boolean on) {
        boolean before = enabled();
        enabled = resolve(on ? "true" : "false", OneDnn::status);
        return before;
    }

    /** The decision for a property value, given how oneDNN opens (asked only when the value needs it). */
    boolean resolve(String value, Supplier<OneDnn.Status> status) {
        String v = value == null || value.isBlank() ? defaultValue : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "false", "off", "0":
                return false;
            case "auto": {
                OneDnn.Status s = status.get();
                return s.loaded() && usable.test(s);
            }
            case "true", "on", "1": {
                OneDnn.Status s = status.get();
                if (!s.loaded() || !usable.test(s)) {
                    throw new IllegalStateException("-D" + property + "=true, but " + s.describe() + " (use -D"
                            + property + "=auto to fall back to " + fallback + ")");
                }
                return true;
            }
            default:
                throw new IllegalArgumentException("-D" + property + ": expected auto, true or false, got '" + value
                        + "'");
        }
    }
}
