package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The check a oneDNN's convolutions pass before rcnn4j uses them: it passes the library that the other tests show
 * right, and names the pass and problem of one that is wrong or fails.
 */
class ConvSelfCheckTest {
    private final ConvSelfCheck.Convolution onednn = (pass, g, in0, in1, bias, out) ->
            OneDnnNative.convolution(pass, g.toArray(), in0, in1, bias, out, 2);

    @BeforeEach
    void needsConvolutions() {
        OneDnnTestSupport.requireOneDnn();
        OneDnnTestSupport.requireConvolutions();
    }

    @Test
    void aRightLibraryPasses() {
        assertNull(ConvSelfCheck.run(onednn));
        assertNull(OneDnn.status().convolutionsWithheld());
    }

    @Test
    void aWrongElementIsNamed() {
        String why = ConvSelfCheck.run((pass, g, in0, in1, bias, out) -> {
            int status = onednn.run(pass, g, in0, in1, bias, out);
            if (pass == 1 && g.groups() == 3) {
                out[5] += 0.01f;
            }
            return status;
        });
        assertTrue(why != null && why.startsWith("backward data of 2x12x6x7 -> 18, 3x3, 3 groups: element 5 is "),
                why);
    }

    @Test
    void anUnwrittenElementIsNamed() {
        String why = ConvSelfCheck.run((pass, g, in0, in1, bias, out) -> {
            float keep = out[out.length - 1];
            int status = onednn.run(pass, g, in0, in1, bias, out);
            if (pass == 0) {
                out[out.length - 1] = keep;
            }
            return status;
        });
        assertTrue(why != null && why.startsWith("forward of 2x24x7x6 -> 40, 3x3: element 3359 is NaN"), why);
    }

    @Test
    void aFailingCallIsNamed() {
        assertEquals("backward weights of 2x24x7x6 -> 40, 3x3 failed with status 3",
                ConvSelfCheck.run((pass, g, in0, in1, bias, out) -> pass == 2 ? 3 : onednn.run(pass, g, in0, in1,
                        bias, out)));
    }
}
