package org.rcnn4j.cli;

import java.util.function.Function;

/**
 * One {@code --set key=value} an op takes. {@code defaultValue} is the text used when the key is not given (as
 * torchvision's default), or null when the key is required. The parser turns text into the value the op reads
 * and throws {@link IllegalArgumentException} saying what was expected.
 */
record ParamSpec(String key, String defaultValue, String doc, Function<String, Object> parser) {

    boolean required() {
        return defaultValue == null;
    }
}
