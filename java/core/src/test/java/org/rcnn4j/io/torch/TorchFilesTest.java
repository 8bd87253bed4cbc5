package org.rcnn4j.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** torch.save files (fixtures from gen_pth.py, both formats) read by {@link TorchFiles} against the expected tensors. */
class TorchFilesTest {
    private static final Path MARKER = Path.of("/tmp/rcnn4j_pth_evil_marker");
    private static final String[] FORMATS = {"zip", "legacy"};

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(TorchFilesTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what + ": keys in order");
        expected.forEach((k, e) -> {
            Tensor a = actual.get(k);
            assertEquals(e.dtype(), a.dtype(), what + " " + k + ": dtype");
            assertArrayEquals(e.shape(), a.shape(), what + " " + k + ": shape");
            if (e.dtype() == DType.I64) {
                assertArrayEquals(e.longs(), a.longs(), what + " " + k);
            } else {
                TensorAssert.assertExact(what + " " + k, e, a);
            }
        });
    }

    @Test
    void bothFormatsGiveTheExpectedTensors() throws IOException {
        Map<String, Tensor> expected = Fixtures.load("pth_expected");
        assertTrue(expected.size() >= 18, "fixture has every case");
        for (String f : FORMATS) {
            Map<String, Tensor> sd = TorchFiles.readStateDict(fixture("pth_state_dict." + f + ".pth"));
            assertSameTensors(expected, sd, f);
            // spot checks that do not go through the fixture: dtypes converted, 0-d and empty shapes
            assertEquals(DType.F32, sd.get("half").dtype());
            assertEquals(Float.POSITIVE_INFINITY, sd.get("half").floats()[1]);
            assertEquals(-65504f, sd.get("half").floats()[2]);
            assertEquals(DType.U8, sd.get("bool").dtype());
            assertArrayEquals(new byte[] {1, 0, 1, 1, 0}, sd.get("bool").bytes());
            assertArrayEquals(new int[] {-128, -1, 127}, sd.get("i8").ints());
            assertArrayEquals(new int[0], sd.get("scalar").shape());
            assertEquals(2.5f, sd.get("scalar").floats()[0]);
            assertArrayEquals(new int[] {0, 3}, sd.get("empty").shape());
            assertArrayEquals(new long[] {7}, sd.get("bn.num_batches_tracked").longs());
            // overlapping views of one storage: shared_a[1][1..2] and shared_b[0..1] are the same elements
            assertEquals(sd.get("shared_a").floats()[4], sd.get("shared_b").floats()[0]);
            assertEquals(sd.get("shared_a").floats()[5], sd.get("shared_b").floats()[1]);
        }
    }

    @Test
    void checkpointsGiveTheirModelEntryAndOtherValues() throws IOException {
        Map<String, Tensor> expected = Fixtures.load("pth_checkpoint_expected");
        for (String f : FORMATS) {
            Path p = fixture("pth_checkpoint." + f + ".pth");
            assertSameTensors(expected, TorchFiles.readStateDict(p), f);
            Map<?, ?> root = assertInstanceOf(Map.class, TorchFiles.read(p));
            assertEquals(25L, root.get("epoch"));
            assertEquals(Arrays.asList("resnet50", 1.5, null, true, List.of(1L, 2L)), root.get("args"));
            Map<?, ?> opt = assertInstanceOf(Map.class, root.get("optimizer"));
            assertEquals(List.of(Map.of("lr", 0.02, "momentum", 0.9)), opt.get("param_groups"));
            Map<?, ?> sched = assertInstanceOf(Map.class, root.get("lr_scheduler"));
            assertEquals(Map.of(16L, 1L, 22L, 1L), sched.get("milestones"));
        }
    }

    @Test
    void picklesCallingOtherGlobalsAreRejectedAndNothingRuns() throws IOException {
        Files.deleteIfExists(MARKER);
        for (String f : FORMATS) {
            Path p = fixture("pth_evil." + f + ".pth");
            IOException e = assertThrows(IOException.class, () -> TorchFiles.read(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("forbidden global 'posix.system'"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was executed"), e.getMessage());
        }
        // hand-made pickles: os.system, builtins.eval, a torch function that is not a tensor rebuild
        for (String global : new String[] {"os\nsystem", "builtins\neval", "torch\nload", "torch._utils\n_rebuild_qtensor",
                "__builtin__\nexec", "subprocess\nPopen"}) {
            byte[] pkl = concat(new byte[] {(byte) 0x80, 2, 'c'}, ascii(global + "\n"),
                    new byte[] {'X'}, le32(22), ascii("touch " + MARKER), new byte[] {(byte) 0x85, 'R', '.'});
            Path z = zipWith(tmp.resolve("evil.pth"), "archive/", pkl);
            IOException e = assertThrows(IOException.class, () -> TorchFiles.read(z));
            assertTrue(e.getMessage().contains("forbidden global '" + global.replace('\n', '.') + "'"), e.getMessage());
        }
        assertFalse(Files.exists(MARKER), "the pickle's command ran");
    }

    @Test
    void unsupportedOpcodesAndMisuseAreRejected() throws IOException {
        // INST (pickle protocol 0 object creation) is not an opcode of weight files
        byte[] inst = concat(new byte[] {(byte) 0x80, 2, '('}, ascii("iposix\nsystem\n"), new byte[] {'.'});
        IOException e = assertThrows(IOException.class, () -> TorchFiles.read(zipWith(tmp.resolve("a.pth"), "a/", inst)));
        assertTrue(e.getMessage().contains("unsupported pickle opcode 0x69 'i'"), e.getMessage());
        // an allowed storage class called as a function
        byte[] callStorage = concat(new byte[] {(byte) 0x80, 2, 'c'}, ascii("torch\nFloatStorage\n"),
                new byte[] {')', 'R', '.'});
        e = assertThrows(IOException.class, () -> TorchFiles.read(zipWith(tmp.resolve("b.pth"), "b/", callStorage)));
        assertTrue(e.getMessage().contains("cannot call torch.FloatStorage"), e.getMessage());
        // a persistent id that is not a storage
        byte[] pid = concat(new byte[] {(byte) 0x80, 2, 'X'}, le32(3), ascii("abc"), new byte[] {'Q', '.'});
        e = assertThrows(IOException.class, () -> TorchFiles.read(zipWith(tmp.resolve("c.pth"), "c/", pid)));
        assertTrue(e.getMessage().contains("bad persistent id"), e.getMessage());
    }

    @Test
    void truncatedFilesFailWithTheFileNameAndTheProblem() throws IOException {
        for (String name : new String[] {"pth_state_dict.zip.pth", "pth_state_dict.legacy.pth",
                "pth_checkpoint.legacy.pth"}) {
            byte[] all = Files.readAllBytes(fixture(name));
            for (int len = 0; len < all.length; len += (len < 64 ? 1 : 7)) {
                Path p = tmp.resolve("cut_" + len + "_" + name);
                Files.write(p, Arrays.copyOf(all, len));
                int n = len;
                IOException e = assertThrows(IOException.class, () -> TorchFiles.read(p), () -> name + " cut at " + n);
                assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
                assertTrue(e.getMessage().length() > p.toString().length() + 10, e.getMessage());
                Files.delete(p);
            }
        }
        Path p = tmp.resolve("cut.pth");
        byte[] legacy = Files.readAllBytes(fixture("pth_state_dict.legacy.pth"));
        Files.write(p, Arrays.copyOf(legacy, legacy.length - 3));
        IOException e = assertThrows(IOException.class, () -> TorchFiles.read(p));
        assertTrue(e.getMessage().contains("bytes left in the file"), e.getMessage());
    }

    @Test
    void corruptFilesLoadOrFailWithAnIOException() throws IOException {
        long seed = 8123;
        SplittableRandom rng = new SplittableRandom(seed);
        for (String name : new String[] {"pth_state_dict.zip.pth", "pth_state_dict.legacy.pth"}) {
            byte[] all = Files.readAllBytes(fixture(name));
            for (int trial = 0; trial < 300; trial++) {
                byte[] b = all.clone();
                int flips = 1 + rng.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                }
                Path p = tmp.resolve("bad.pth");
                Files.write(p, b);
                try {
                    TorchFiles.read(p);
                } catch (IOException e) {
                    assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
                } catch (RuntimeException | OutOfMemoryError e) {
                    fail("seed " + seed + " " + name + " trial " + trial + ": " + e, e);
                }
            }
        }
    }

    @Test
    void otherFilesAreNotPyTorchFiles() throws IOException {
        Path text = Files.writeString(tmp.resolve("x.pth"), "hello");
        IOException e = assertThrows(IOException.class, () -> TorchFiles.read(text));
        assertTrue(e.getMessage().contains("not a PyTorch file"), e.getMessage());
        Path empty = Files.write(tmp.resolve("e.pth"), new byte[0]);
        e = assertThrows(IOException.class, () -> TorchFiles.read(empty));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
        // a plain protocol-2 pickle without the legacy magic number
        Path plain = Files.write(tmp.resolve("p.pth"), new byte[] {(byte) 0x80, 2, 'K', 5, '.'});
        e = assertThrows(IOException.class, () -> TorchFiles.read(plain));
        assertTrue(e.getMessage().contains("legacy magic number"), e.getMessage());
        // a zip that is not a torch archive
        Path zip = zipWith(tmp.resolve("z.pth"), "", new byte[] {(byte) 0x80, 2, 'N', '.'});
        e = assertThrows(IOException.class, () -> TorchFiles.read(zip));
        assertTrue(e.getMessage().contains("not under an archive folder"), e.getMessage());
        // a checkpoint without a state dict
        Path noSd = zipWith(tmp.resolve("n.pth"), "n/", new byte[] {(byte) 0x80, 2, '}', 'X', 1, 0, 0, 0, 'a', 'K', 1,
            's', '.'});
        e = assertThrows(IOException.class, () -> TorchFiles.readStateDict(noSd));
        assertTrue(e.getMessage().contains("not a state_dict") && e.getMessage().contains("[a]"), e.getMessage());
    }

    @Test
    void deeplyNestedOrOutOfRangeValuesAreCorrupt() throws IOException {
        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        deep.writeBytes(new byte[] {(byte) 0x80, 2});
        for (int i = 0; i < 200_000; i++) {
            deep.write(']'); // EMPTY_LIST, never closed: a list inside a list ...
        }
        for (int i = 0; i < 199_999; i++) {
            deep.write('a'); // APPEND
        }
        deep.write('.');
        Path p = zipWith(tmp.resolve("deep.pth"), "d/", deep.toByteArray());
        IOException e = assertThrows(IOException.class, () -> TorchFiles.read(p));
        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
        // a tensor whose stride reaches past its storage: ('storage', FloatStorage, '0', 'cpu', 4), offset 0,
        // size (2,), stride (4,)
        byte[] pkl = concat(new byte[] {(byte) 0x80, 2, 'c'}, ascii("torch._utils\n_rebuild_tensor_v2\n"),
                new byte[] {'(', '(', 'X', 7, 0, 0, 0}, ascii("storage"), new byte[] {'c'}, ascii("torch\nFloatStorage\n"),
                new byte[] {'X', 1, 0, 0, 0, '0', 'X', 3, 0, 0, 0}, ascii("cpu"),
                new byte[] {'K', 4, 't', 'Q', 'K', 0, 'K', 2, (byte) 0x85, 'K', 4, (byte) 0x85, (byte) 0x89, 'N', 't',
                    'R', '.'});
        Path z = tmp.resolve("stride.pth");
        try (OutputStream o = Files.newOutputStream(z); ZipOutputStream zo = new ZipOutputStream(o)) {
            zo.putNextEntry(new ZipEntry("s/data.pkl"));
            zo.write(pkl);
            zo.putNextEntry(new ZipEntry("s/data/0"));
            zo.write(new byte[16]);
        }
        e = assertThrows(IOException.class, () -> TorchFiles.read(z));
        assertTrue(e.getMessage().contains("reaches past its storage '0' of 4 elements"), e.getMessage());
    }

    @Test
    void halfPrecisionConversion() {
        assertEquals(1f, Materializer.halfToFloat((short) 0x3c00));
        assertEquals(-2f, Materializer.halfToFloat((short) 0xc000));
        assertEquals(0x1p-24f, Materializer.halfToFloat((short) 0x0001));
        assertEquals(-0f, Materializer.halfToFloat((short) 0x8000));
        assertEquals(65504f, Materializer.halfToFloat((short) 0x7bff));
        assertTrue(Float.isNaN(Materializer.halfToFloat((short) 0x7e00)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Path zipWith(Path file, String prefix, byte[] pkl) throws IOException {
        try (OutputStream o = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry(prefix + "data.pkl"));
            z.write(pkl);
            z.closeEntry();
        }
        return file;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
