package org.rcnn4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/**
 * Checks of the argument-check contract: bad input throws IllegalArgumentException naming the argument
 * (torchvision's name). Two strengths, kept apart so that no test's check gets weaker.
 */
public final class ArgumentAssert {
    private ArgumentAssert() {
    }

    /** {@code call} throws IllegalArgumentException whose message mentions {@code argument}. */
    public static void assertMessageNames(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(argument), "message names " + argument + ": " + e.getMessage());
    }

    /** {@code call} throws IllegalArgumentException whose message starts with "{@code argument}:". */
    public static void assertMessageLeadsWith(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(argument + ":"), "message names " + argument + ": " + e.getMessage());
    }
}
