package org.rcnn4j.io.torch;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A test-side {@code torch.save(state_dict)} for float32 state dicts, in both of torch's formats, so that tests can
 * run the whole path from a {@code .pth} file without committing one (a ResNet-50 detector's is ~170 MB).
 *
 * <p>It writes what torch 1.13 writes (checked by loading the output with {@code torch.load}: see
 * java/core/src/test/fixtures/gen_pretrained_parity.py --check): a protocol-2 pickle of a
 * {@code collections.OrderedDict} whose values are {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride,
 * False, OrderedDict())}, one storage per tensor, persistent ids {@code ('storage', torch.FloatStorage, key, 'cpu',
 * numel)}. Zip format: archive/data.pkl, archive/data/KEY (raw little-endian), archive/version, archive/byteorder,
 * all STORED. Legacy format: the magic number, protocol 1001 and sys_info pickles, the main pickle (6-element
 * persistent ids, view metadata None), the pickled list of storage keys, then per key its int64 element count and
 * bytes.
 */
public final class TorchSave {
    /** One float32 tensor: its shape and row-major values. */
    public record FloatTensor(int[] shape, float[] values) {
    }

    private TorchSave() {
    }

    /** The zip format (torch.save's default since 1.6). */
    public static void zip(Path file, Map<String, FloatTensor> stateDict) throws IOException {
        String root = "archive/";
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 20))) {
            stored(zip, root + "data.pkl", mainPickle(stateDict, false));
            int key = 0;
            for (FloatTensor t : stateDict.values()) {
                stored(zip, root + "data/" + key++, littleEndian(t.values()));
            }
            stored(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The legacy format ({@code torch.save(..., _use_new_zipfile_serialization=False)}). */
    public static void legacy(Path file, Map<String, FloatTensor> stateDict) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            Pickle magic = new Pickle();
            magic.longInteger(TorchFiles.LEGACY_MAGIC.toByteArray());
            out.write(magic.stop());
            Pickle protocol = new Pickle();
            protocol.integer(TorchFiles.LEGACY_PROTOCOL);
            out.write(protocol.stop());
            out.write(sysInfo());
            out.write(mainPickle(stateDict, true));
            Pickle keys = new Pickle();
            keys.op(']').op('(');
            for (int k = 0; k < stateDict.size(); k++) {
                keys.string(Integer.toString(k));
            }
            keys.op('e'); // APPENDS
            out.write(keys.stop());
            for (FloatTensor t : stateDict.values()) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(t.values().length).array());
                out.write(littleEndian(t.values()));
            }
        }
    }

    private static byte[] sysInfo() {
        Pickle p = new Pickle();
        p.op('}').op('(');
        p.string("protocol_version").integer(TorchFiles.LEGACY_PROTOCOL);
        p.string("little_endian").op(0x88); // NEWTRUE
        p.string("type_sizes").op('}').op('(');
        p.string("short").integer(2).string("int").integer(4).string("long").integer(4);
        p.op('u').op('u'); // SETITEMS of type_sizes, then of the outer dict
        return p.stop();
    }

    /** OrderedDict([(name, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())), ...]). */
    private static byte[] mainPickle(Map<String, FloatTensor> stateDict, boolean legacy) {
        Pickle p = new Pickle();
        p.global("collections", "OrderedDict").op(')').op('R');
        p.op('(');
        int key = 0;
        for (Map.Entry<String, FloatTensor> e : stateDict.entrySet()) {
            int[] shape = e.getValue().shape();
            long numel = 1;
            for (int d : shape) {
                numel *= d;
            }
            if (numel != e.getValue().values().length) {
                throw new IllegalArgumentException("stateDict: '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(shape) + " but " + e.getValue().values().length + " values");
            }
            p.string(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').string("storage").global("torch", "FloatStorage").string(Integer.toString(key++))
                    .string("cpu").integer(numel);
            if (legacy) {
                p.op('N'); // view_metadata: not a view
            }
            p.op('t').op('Q'); // TUPLE, BINPERSID
            p.integer(0); // storage offset
            p.op('(');
            for (int d : shape) {
                p.integer(d);
            }
            p.op('t').op('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= shape[d];
            }
            for (long s : strides) {
                p.integer(s);
            }
            p.op('t');
            p.op(0x89); // requires_grad False
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R');
        }
        p.op('u'); // SETITEMS
        return p.stop();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] littleEndian(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** Protocol-2 pickle opcodes, written one by one. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            out.write(0x80); // PROTO 2
            out.write(2);
        }

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X'); // BINUNICODE
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                out.write('K'); // BININT1
                out.write((int) v);
            } else if (v >= 0 && v < 65536) {
                out.write('M'); // BININT2
                out.write((int) v & 0xff);
                out.write((int) (v >>> 8));
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J'); // BININT
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                throw new IllegalArgumentException("integer: " + v + " needs more than 32 bits");
            }
            return this;
        }

        /** LONG1 of a big-endian two's-complement value (Python writes it little-endian). */
        Pickle longInteger(byte[] bigEndian) {
            List<Byte> le = new ArrayList<>();
            for (int i = bigEndian.length - 1; i >= 0; i--) {
                le.add(bigEndian[i]);
            }
            out.write(0x8a);
            out.write(le.size());
            le.forEach(b -> out.write(b));
            return this;
        }

        byte[] stop() {
            out.write('.');
            return out.toByteArray();
        }
    }
}
