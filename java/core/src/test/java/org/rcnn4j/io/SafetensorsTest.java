package org.rcnn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeInOrder() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.ofFloats(new float[] {1.5f, -2f, Float.NaN, Float.NEGATIVE_INFINITY, 3e-39f, 7}, 2, 3));
        m.put("f64", Tensor.ofDoubles(new double[] {Math.PI, -1e300}, 2));
        m.put("i64", Tensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3, 1));
        m.put("i32", Tensor.ofInts(new int[] {-1, 1 << 30}, 1, 2));
        m.put("u8", Tensor.ofBytes(new byte[] {0, (byte) 255, 7}, 3));
        m.put("empty", Tensor.zeros(DType.F32, 0, 4));
        m.put("scalar", Tensor.ofFloats(new float[] {42}));
        Path f = dir.resolve("all.safetensors");
        Safetensors.write(f, m, Map.of("op", "test"));
        Map<String, Tensor> r = Safetensors.read(f);
        assertEquals(new ArrayList<>(m.keySet()), new ArrayList<>(r.keySet()));
        for (String k : m.keySet()) {
            Tensor a = m.get(k);
            Tensor b = r.get(k);
            assertEquals(a.dtype(), b.dtype(), k);
            assertArrayEquals(a.shape(), b.shape(), k);
        }
        assertArrayEquals(m.get("f32").floats(), r.get("f32").floats());
        assertArrayEquals(m.get("f64").doubles(), r.get("f64").doubles());
        assertArrayEquals(m.get("i64").longs(), r.get("i64").longs());
        assertArrayEquals(m.get("i32").ints(), r.get("i32").ints());
        assertArrayEquals(m.get("u8").bytes(), r.get("u8").bytes());
        assertEquals(42f, r.get("scalar").floats()[0]);
    }

    @Test
    void writesTheStandardLayout() throws IOException {
        Path f = dir.resolve("one.safetensors");
        Safetensors.write(f, Map.of("x", Tensor.ofInts(new int[] {1, 2}, 2)), Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
        assertEquals(8 + n + 8, bytes.length);
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) Json.parse(new String(bytes, 8, (int) n,
                StandardCharsets.UTF_8));
        assertEquals(Map.of("k", "v"), header.get("__metadata__"));
        @SuppressWarnings("unchecked")
        Map<String, Object> x = (Map<String, Object>) header.get("x");
        assertEquals("I32", x.get("dtype"));
        assertEquals(List.of(2L), x.get("shape"));
        assertEquals(List.of(0L, 8L), x.get("data_offsets"));
        assertEquals(1, ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    /** A file as another writer may lay it out: tensors' data in another order than the header's. */
    @Test
    void readsDataInAnyOrder() throws IOException {
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"__metadata__\":{\"format\":\"pt\"}}";
        Path f = file(header, floats(1f, 2f));
        Map<String, Tensor> r = Safetensors.read(f);
        assertEquals(List.of("b", "a"), new ArrayList<>(r.keySet()));
        assertEquals(2f, r.get("b").floats()[0]);
        assertEquals(1f, r.get("a").floats()[0]);
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertMessage(tiny, "not a safetensors file");
        assertMessage(lengthPrefixed(Long.MAX_VALUE, new byte[8]), "header length");
        assertMessage(file("not json", new byte[0]), "bad safetensors header");
        assertMessage(file("[1,2]", new byte[0]), "not a JSON object");
        assertMessage(file("{\"x\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]), "BF16");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
                "needs 8 bytes");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[4]),
                "bad data_offsets");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "bad shape");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "data_offsets");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8]),
                "bytes after the last tensor");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8]), "overlaps");
        assertMessage(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "gap");
    }

    @Test
    void truncatedFileIsAnError() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, Map.of("x", Tensor.ofFloats(new float[64], 64)), null);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThrows(IOException.class, () -> Safetensors.read(cut));
    }

    private void assertMessage(Path f, String fragment) {
        IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' in: " + e.getMessage());
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private int files;

    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        Path f = dir.resolve("f" + files++ + ".safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    private Path lengthPrefixed(long n, byte[] rest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
        out.write(rest);
        Path f = dir.resolve("f" + files++ + ".safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }
}
