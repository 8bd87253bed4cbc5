package org.rcnn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcnn4j.io.torch.TorchFiles;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Allocation;

/**
 * Issue 17, item 4: small .pth files (written by tools/make_hostile_seeds.py) that hung or exhausted memory are
 * read within a bound: shared references stay shared, expansions past the file's size and deflate bombs are
 * refused with one line naming the file.
 */
class HostileTorchFilesTest {
    static Path seed(String name) {
        try {
            return Path.of(HostileTorchFilesTest.class.getResource("/fuzz/pth/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code body} within 20 s and returns the bytes it allocated (measured on the thread that runs it). */
    private static long bounded(Allocation.Body body) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Allocation.measure(body));
    }

    private static void refused(String name, String expected, long maxBytes) {
        Path p = seed(name);
        long bytes = bounded(() -> {
            IOException e = assertThrows(IOException.class, () -> TorchFiles.read(p));
            assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(expected),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line");
        });
        assertTrue(bytes < maxBytes, name + ": allocated " + bytes + " bytes");
    }

    @Test
    void repeatedMemoReferencesStayShared() throws IOException {
        Path p = seed("memo_doubling.pth");
        long bytes = bounded(() -> {
            Object root = TorchFiles.read(p);
            List<?> x = (List<?>) ((Map<?, ?>) root).get("x");
            assertSame(x.get(0), x.get(1), "one object referenced twice is one object, as in Python");
        });
        assertTrue(bytes < 64L << 20, "allocated " + bytes + " bytes for a 1 KB file");
    }

    @Test
    void oneTensorUnderAThousandKeysIsOneTensor() throws IOException {
        Path p = seed("one_tensor_1000_keys.pth");
        long bytes = bounded(() -> {
            Map<?, ?> sd = (Map<?, ?>) TorchFiles.read(p);
            assertEquals(1000, sd.size());
            Tensor first = (Tensor) sd.get("k0");
            assertEquals(64 * 1024, first.numel());
            for (Object t : sd.values()) {
                assertSame(first, t);
            }
        });
        assertTrue(bytes < 64L << 20, "allocated " + bytes + " bytes for a 270 KB file");
    }

    @Test
    void aStrideZeroViewClaimingBillionsIsRefused() {
        refused("stride0_2e9.pth", "refusing to expand", 16L << 20);
    }

    @Test
    void aDeflateBombIsRefusedBeforeItIsInflated() {
        refused("deflate_bomb.pth", "more than", 16L << 20);
    }

    @Test
    void nestingTenThousandDeepIsRefused() {
        refused("nested_10000.pth", "nested more than", 64L << 20);
    }

    @Test
    void validSeedsStillRead() throws IOException {
        for (String name : List.of("state_dict.zip.pth", "state_dict.legacy.pth")) {
            Map<String, Tensor> sd = TorchFiles.readStateDict(seed(name));
            assertEquals(List.of("conv.weight", "conv.bias", "bn.running_mean", "bn.num_batches_tracked"),
                    List.copyOf(sd.keySet()), name);
        }
    }
}
