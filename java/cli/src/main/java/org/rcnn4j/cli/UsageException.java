package org.rcnn4j.cli;

/**
 * A mistake in what the user asked for (arguments, input files, values): reported as one line on stderr and exit
 * code 2, never with a stack trace.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
