package org.rcnn4j.io.torch;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Bytes a pickle is read from, with the position for error messages and the bytes left for length checks. */
abstract class PickleInput {
    abstract int read() throws IOException;

    abstract void readFully(byte[] into, int off, int len) throws IOException;

    abstract long position();

    /** Bytes left (a declared length longer than this is corrupt, not an allocation to attempt). */
    abstract long remaining();

    final byte[] readBytes(long n, String what) throws IOException {
        if (n < 0 || n > remaining() || n > Integer.MAX_VALUE - 16) {
            throw new EOFException(what + " of " + n + " bytes at byte " + position() + " runs past the end ("
                    + remaining() + " bytes left)");
        }
        byte[] b = new byte[(int) n];
        readFully(b, 0, (int) n);
        return b;
    }

    static PickleInput of(byte[] bytes) {
        return new ArrayInput(bytes);
    }

    static PickleInput of(FileChannel ch, long position) throws IOException {
        return new ChannelInput(ch, position);
    }

    private static final class ArrayInput extends PickleInput {
        private final byte[] data;
        private int pos;

        ArrayInput(byte[] data) {
            this.data = data;
        }

        @Override
        int read() throws IOException {
            if (pos >= data.length) {
                throw new EOFException("pickle ends early at byte " + pos);
            }
            return data[pos++] & 0xff;
        }

        @Override
        void readFully(byte[] into, int off, int len) throws IOException {
            if (len > data.length - pos) {
                throw new EOFException("pickle ends early at byte " + data.length);
            }
            System.arraycopy(data, pos, into, off, len);
            pos += len;
        }

        @Override
        long position() {
            return pos;
        }

        @Override
        long remaining() {
            return data.length - pos;
        }
    }

    /** Buffered reads from a file channel; the channel's position is not used (reads are positional). */
    static final class ChannelInput extends PickleInput {
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        private long bufStart;

        ChannelInput(FileChannel ch, long position) throws IOException {
            this.ch = ch;
            this.size = ch.size();
            this.bufStart = position;
            buf.limit(0);
        }

        private boolean fill() throws IOException {
            bufStart += buf.limit();
            buf.clear();
            long p = bufStart;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, p);
                if (r < 0) {
                    break;
                }
                p += r;
            }
            buf.flip();
            return buf.hasRemaining();
        }

        @Override
        int read() throws IOException {
            if (!buf.hasRemaining() && !fill()) {
                throw new EOFException("file ends early at byte " + position());
            }
            return buf.get() & 0xff;
        }

        @Override
        void readFully(byte[] into, int off, int len) throws IOException {
            while (len > 0) {
                if (!buf.hasRemaining() && !fill()) {
                    throw new EOFException("file ends early at byte " + position());
                }
                int n = Math.min(len, buf.remaining());
                buf.get(into, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        long position() {
            return bufStart + buf.position();
        }

        @Override
        long remaining() {
            return size - position();
        }
    }
}
