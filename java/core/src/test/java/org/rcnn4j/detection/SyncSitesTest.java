package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.backend.Backend;
import org.rcnn4j.cuda.SyncSites;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.CudaTestSupport;

/**
 * SyncSites tallies each host synchronization under its caller outside the CUDA plumbing (org.rcnn4j.cuda and
 * org.rcnn4j.backend, hence a test outside them), only when asked.
 */
class SyncSitesTest {
    private static void readBack(Backend cuda, Tensor t) {
        cuda.toHost(t);
    }

    @Test
    void tallySynchronizationsByCaller() {
        Backend cuda = CudaTestSupport.backend();
        String previous = System.getProperty("rcnn4j.cuda.syncSites");
        try (Tensor t = cuda.toDevice(Tensor.ofFloats(new float[] {1, 2, 3}, 3))) {
            System.clearProperty("rcnn4j.cuda.syncSites");
            SyncSites.reset();
            readBack(cuda, t);
            assertTrue(SyncSites.snapshot().isEmpty(), "off by default: " + SyncSites.snapshot());
            System.setProperty("rcnn4j.cuda.syncSites", "true");
            for (int i = 0; i < 2; i++) {
                readBack(cuda, t); // one site: the same caller chain twice
            }
            cuda.synchronize();
            Map<String, Long> sites = SyncSites.snapshot();
            String first = sites.keySet().iterator().next();
            assertTrue(first.startsWith("SyncSitesTest.readBack:"), "the caller outside the plumbing: " + sites);
            assertEquals(2L, sites.get(first), SyncSites.format());
            assertEquals(2, sites.size(), SyncSites.format());
        } finally {
            if (previous == null) {
                System.clearProperty("rcnn4j.cuda.syncSites");
            } else {
                System.setProperty("rcnn4j.cuda.syncSites", previous);
            }
            SyncSites.reset();
        }
    }
}
