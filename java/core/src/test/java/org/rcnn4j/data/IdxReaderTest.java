package org.rcnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
    /** tiny-idx3-ubyte: hand-made, magic 0x00000803, dims [2, 2, 3], bytes 0 1 2 3 4 255 10 20 30 40 50 128. */
    private static byte[] tiny() throws IOException {
        try (InputStream in = IdxReaderTest.class.getResourceAsStream("/data/tiny-idx3-ubyte")) {
            return in.readAllBytes();
        }
    }

    private static final byte[] TINY_DATA = {0, 1, 2, 3, 4, (byte) 255, 10, 20, 30, 40, 50, (byte) 128};

    @Test
    void readsThePlainFile() throws IOException {
        IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(tiny()));
        assertArrayEquals(new int[] {2, 2, 3}, a.dims());
        assertArrayEquals(TINY_DATA, a.data());
        assertEquals(6, a.itemSize());
    }

    @Test
    void readsTheGzippedFile() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tiny());
        }
        IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(gz.toByteArray()));
        assertArrayEquals(new int[] {2, 2, 3}, a.dims());
        assertArrayEquals(TINY_DATA, a.data());
    }

    @Test
    void rejectsBadHeadersAndShortData() throws IOException {
        byte[] t = tiny();
        byte[] badMagic = t.clone();
        badMagic[0] = 1;
        assertMessage(badMagic, "bad magic");
        byte[] floats = t.clone();
        floats[2] = 0x0D;
        assertMessage(floats, "element type 0x0d");
        assertMessage(Arrays.copyOf(t, t.length - 1), "truncated");
        assertMessage(new byte[] {0, 0}, "too short");
    }

    private static void assertMessage(byte[] bytes, String fragment) {
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void theBundledSubsetHasItsDocumentedSizes() {
        FashionMnist train = FashionMnist.bundled(FashionMnist.Split.TRAIN);
        FashionMnist test = FashionMnist.bundled(FashionMnist.Split.TEST);
        assertEquals(10000, train.size());
        assertEquals(500, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < train.size(); i++) {
            perClass[train.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(perClass[c] > 800, "class " + c + " has " + perClass[c] + " items");
        }
    }
}
