package org.rcnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Where a task runs (the GPU Spark gave it, else the CPU) and what an executor holds: its detectors are released
 * when it stops.
 */
class ExecutorLifecycleTest {

    @Test
    void aTaskRunsOnTheGpuItWasGivenElseTheCpu() {
        assertEquals("cpu", TaskDevice.choose("auto", null));
        assertEquals("cpu", TaskDevice.choose("auto", new String[0]));
        assertEquals("cuda:3", TaskDevice.choose("auto", new String[] {"3"}));
        assertEquals("cuda:0", TaskDevice.choose("cuda", new String[] {"0", "1"}));
        assertEquals("cuda", TaskDevice.choose("cuda", null));
        assertEquals("cpu", TaskDevice.choose("cpu", new String[] {"2"}));
        assertEquals("cuda:1", TaskDevice.choose("cuda:1", new String[] {"2"}));
        assertEquals("cuda-emu", TaskDevice.choose("cuda-emu", null));
        IllegalArgumentException uuid = assertThrows(IllegalArgumentException.class,
                () -> TaskDevice.choose("auto", new String[] {"GPU-8f3c"}));
        assertTrue(uuid.getMessage().startsWith("gpu address: Spark gave this task GPU 'GPU-8f3c'"),
                uuid.getMessage());
    }

    @Test
    void thePluginIsAddedOnceToSparkPlugins() {
        assertEquals(Rcnn4jSparkPlugin.NAME, Rcnn4jSparkPlugin.addTo(null));
        assertEquals("a.B," + Rcnn4jSparkPlugin.NAME, Rcnn4jSparkPlugin.addTo("a.B"));
        assertEquals("a.B, " + Rcnn4jSparkPlugin.NAME, Rcnn4jSparkPlugin.addTo("a.B, " + Rcnn4jSparkPlugin.NAME));
    }

    @Test
    void detectorsAreReleasedWhenTheExecutorStops() {
        List<Row> rows = Rcnn4jSpark.detect(Rcnn4jSpark.listImages(SparkFixture.spark(),
                SparkFixture.SCENES.resolve("images").toString(), 2), SparkFixture.spec()).collectAsList();
        assertEquals(SparkFixture.IMAGES, rows.size());
        assertTrue(ExecutorDetectors.held() >= 1, "the executor holds the detector between tasks");
        SparkFixture.stopSpark();
        assertEquals(0, ExecutorDetectors.held(), "the plugin closed them when the executor stopped");
        // a new session ships and loads again
        int loads = ExecutorDetectors.loads();
        List<Row> again = Rcnn4jSpark.detect(Rcnn4jSpark.listImages(SparkFixture.spark(),
                SparkFixture.SCENES.resolve("images").toString(), 2), SparkFixture.spec()).collectAsList();
        assertEquals(loads + 1, ExecutorDetectors.loads());
        for (Row r : again) {
            SparkFixture.assertDetectedRow(r, 0, 1, 2);
        }
        assertArrayEquals(new Object[] {null}, new Object[] {again.get(0).get(2)});
    }
}
