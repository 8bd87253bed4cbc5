package org.rcnn4j.cli;

import java.util.List;

/**
 * One op the CLI runs: its inputs, {@code --set} keys and outputs (which drive both the checks and the help
 * text), and the code that runs it on a backend.
 *
 * @param bindFromParams binds shape names from --set values before any input is checked (may be null)
 * @param derive checks and binds what follows from the required inputs before the optional ones are checked
 *        (may be null)
 */
record OpSpec(String name, String summary, List<TensorSpec> inputs, List<ParamSpec> params,
        List<TensorSpec> outputs, Hook bindFromParams, Hook derive, Runner runner) {

    /** Runs the op once; every backend call goes through {@link OpCall#phase}. */
    interface Runner {
        void run(OpCall call);
    }

    /** Binds or checks shape names; throws UsageException for a bad combination. */
    interface Hook {
        void apply(ShapeBinder dims, Params params);
    }

    TensorSpec input(String tensor) {
        for (TensorSpec t : inputs) {
            if (t.name().equals(tensor)) {
                return t;
            }
        }
        return null;
    }

    ParamSpec param(String key) {
        for (ParamSpec p : params) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }
}
