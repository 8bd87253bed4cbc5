package org.rcnn4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format): a big-endian magic {@code 0x0000TTNN} (TT = element type,
 * NN = number of dimensions), NN big-endian int32 sizes, then the elements row-major. Only unsigned bytes
 * (type 0x08) are read; that is all (Fashion-)MNIST uses. Gzipped input is recognised by its magic bytes.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** The dimensions and the elements (unsigned bytes, row-major). */
    public record IdxArray(int[] dims, byte[] data) {
        /** Elements per item: the product of all dimensions but the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    /** Reads one IDX array from the stream (plain or gzipped); the stream is not closed. */
    public static IdxArray read(InputStream in) throws IOException {
        InputStream s = in.markSupported() ? in : new BufferedInputStream(in);
        s.mark(2);
        int b0 = s.read();
        int b1 = s.read();
        s.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            s = new GZIPInputStream(s);
        }
        DataInputStream d = new DataInputStream(s);
        int magic;
        try {
            magic = d.readInt();
        } catch (EOFException e) {
            throw new IOException("IDX: file too short for its header", e);
        }
        if ((magic >>> 16) != 0) {
            throw new IOException(String.format("IDX: bad magic 0x%08x (expected 0x0000TTNN)", magic));
        }
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new IOException(String.format("IDX: element type 0x%02x is not supported (only 0x08, unsigned byte)",
                    type));
        }
        if (ndim < 1) {
            throw new IOException("IDX: zero dimensions");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = d.readInt();
            if (dims[i] < 0) {
                throw new IOException("IDX: negative dimension " + dims[i]);
            }
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException("IDX: too many elements");
            }
        }
        byte[] data = new byte[(int) total];
        try {
            d.readFully(data);
        } catch (EOFException e) {
            throw new IOException("IDX: truncated data (expected " + total + " elements)", e);
        }
        return new IdxArray(dims, data);
    }
}
