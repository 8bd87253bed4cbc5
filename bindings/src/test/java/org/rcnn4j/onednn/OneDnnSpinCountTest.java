package org.rcnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * oneDNN opens with libgomp's idle spin shortened (-Drcnn4j.onednn.spincount, default 10000), unless the environment
 * says how OpenMP threads wait; the status says which applied. Each case opens oneDNN in a fresh JVM, since libgomp
 * reads its settings once, when it loads.
 */
class OneDnnSpinCountTest {
    @Test
    void theSettingIsACountOrOff() {
        assertEquals(OneDnn.DEFAULT_SPIN_COUNT, OneDnn.spinCount(null));
        assertEquals(OneDnn.DEFAULT_SPIN_COUNT, OneDnn.spinCount(" "));
        assertEquals("500", OneDnn.spinCount(" 500 "));
        assertEquals("0", OneDnn.spinCount("0"));
        assertNull(OneDnn.spinCount("OFF"));
        for (String bad : new String[] {"-1", "ten", "1e4", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneDnn.spinCount(bad));
            assertEquals("-Drcnn4j.onednn.spincount: expected a spin count >= 0 or off, got '" + bad + "'",
                    e.getMessage());
        }
    }

    @Test
    void theDefaultCountIsApplied() throws Exception {
        OneDnnTestSupport.requireOneDnn();
        String line = status(null, Map.of());
        assertTrue(line.contains(", idle spin: GOMP_SPINCOUNT=10000"), line);
    }

    @Test
    void thePropertySetsTheCountOrLeavesTheRuntimeAlone() throws Exception {
        OneDnnTestSupport.requireOneDnn();
        String line = status("250", Map.of());
        assertTrue(line.contains(", idle spin: GOMP_SPINCOUNT=250"), line);
        line = status("off", Map.of());
        assertTrue(line.contains(", idle spin: the OpenMP runtime's default"), line);
    }

    @Test
    void theEnvironmentTakesPrecedence() throws Exception {
        OneDnnTestSupport.requireOneDnn();
        String line = status("250", Map.of("OMP_WAIT_POLICY", "passive"));
        assertTrue(line.contains(", idle spin: OMP_WAIT_POLICY=passive from the environment"), line);
        line = status(null, Map.of("GOMP_SPINCOUNT", "77"));
        assertTrue(line.contains(", idle spin: GOMP_SPINCOUNT=77 from the environment"), line);
    }

    @Test
    void aBadSettingIsReportedAsTheReasonOneDnnIsNotUsed() throws Exception {
        String line = status("lots", Map.of());
        assertEquals("STATUS oneDNN not loaded: -Drcnn4j.onednn.spincount: expected a spin count >= 0 or off, "
                + "got 'lots'", line);
    }

    /** FreshJvmStatus's line, in a child JVM with the property (null: unset) and the environment's variables. */
    private static String status(String spinCount, Map<String, String> variables) throws Exception {
        List<String> options = new ArrayList<>();
        String library = System.getProperty(OneDnn.LIBRARY);
        if (library != null) {
            options.add("-D" + OneDnn.LIBRARY + "=" + library);
        }
        if (spinCount != null) {
            options.add("-D" + OneDnn.SPIN_COUNT + "=" + spinCount);
        }
        List<String> lines = FreshJvmStatus.run(options, env -> {
            env.remove("OMP_WAIT_POLICY");
            env.remove("GOMP_SPINCOUNT");
            env.putAll(variables);
        });
        assertEquals(1, lines.size(), String.join("\n", lines));
        return lines.get(0);
    }
}
