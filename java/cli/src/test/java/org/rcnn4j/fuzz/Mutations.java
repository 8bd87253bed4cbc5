package org.rcnn4j.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of seed files, as a coverage-blind fuzzer makes them: bit flips, interesting bytes and
 * numbers written over the data, insertions, deletions, repeated chunks, truncation and splices of two seeds.
 * The same (seeds, seed index, rng seed) always gives the same input, so a failure found in CI repeats locally.
 */
final class Mutations {
    /** Byte values that hit boundaries: 0, sign bits, all ones, ASCII structure. */
    private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, '0', '9', '-', '+', '.', 'e',
        '"', '\\', '[', ']', '{', '}', ',', ':', ' ', '\n', 0x1f};
    /** Texts that reach limits when written over numbers or inserted into JSON. */
    private static final List<String> TOKENS = List.of("-1", "0", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "18446744073709551616", "1e400", "-1e400", "4e8", "1e12", "NaN", "1.", "+1", "01",
        "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "\"\\u12\"", "null", "true", "\"\"", "[]", "{}", "\u00e9",
        "\ud800");

    private Mutations() {
    }

    static byte[] mutate(List<byte[]> seeds, int seedIndex, long rngSeed) {
        SplittableRandom r = new SplittableRandom(rngSeed);
        byte[] b = seeds.get(Math.floorMod(seedIndex, seeds.size())).clone();
        int rounds = 1 + r.nextInt(r.nextBoolean() ? 2 : 8);
        for (int i = 0; i < rounds; i++) {
            b = once(b, seeds, r);
        }
        return b;
    }

    private static byte[] once(byte[] b, List<byte[]> seeds, SplittableRandom r) {
        int n = b.length;
        switch (r.nextInt(n == 0 ? 1 : 10)) {
            case 0 -> { // insert an interesting token (at a random place, or replacing a run of digits)
                byte[] tok = TOKENS.get(r.nextInt(TOKENS.size())).getBytes(StandardCharsets.UTF_8);
                int at = r.nextInt(n + 1);
                int del = digitsAt(b, at);
                return splice(b, at, del, tok);
            }
            case 1 -> {
                b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 2 -> {
                b[r.nextInt(n)] = INTERESTING[r.nextInt(INTERESTING.length)];
                return b;
            }
            case 3 -> { // a little-endian 32- or 64-bit boundary value (lengths, offsets, counts)
                long[] vals = {0, -1, Integer.MAX_VALUE, 0x80000000L, Long.MAX_VALUE, 1L << 40, 0xffffffffL};
                long v = vals[r.nextInt(vals.length)];
                int width = r.nextBoolean() ? 4 : 8;
                int at = r.nextInt(n);
                for (int k = 0; k < width && at + k < n; k++) {
                    b[at + k] = (byte) (v >>> (8 * k));
                }
                return b;
            }
            case 4 -> { // delete a range
                int at = r.nextInt(n);
                int len = 1 + r.nextInt(Math.max(1, Math.min(64, n - at)));
                return splice(b, at, Math.min(len, n - at), new byte[0]);
            }
            case 5 -> { // repeat a chunk
                int at = r.nextInt(n);
                int len = 1 + r.nextInt(Math.max(1, Math.min(32, n - at)));
                len = Math.min(len, n - at);
                byte[] chunk = Arrays.copyOfRange(b, at, at + len);
                int times = 1 + r.nextInt(r.nextInt(10) == 0 ? 2000 : 8);
                byte[] rep = new byte[Math.min(len * times, 1 << 16)];
                for (int k = 0; k < rep.length; k++) {
                    rep[k] = chunk[k % len];
                }
                return splice(b, at, 0, rep);
            }
            case 6 -> { // truncate
                return Arrays.copyOf(b, r.nextInt(n));
            }
            case 7 -> { // splice with another seed
                byte[] o = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextInt(n + 1);
                int from = o.length == 0 ? 0 : r.nextInt(o.length);
                return splice(Arrays.copyOf(b, cut), cut, 0, Arrays.copyOfRange(o, from, o.length));
            }
            case 8 -> { // random bytes
                byte[] rnd = new byte[1 + r.nextInt(16)];
                r.nextBytes(rnd);
                return splice(b, r.nextInt(n + 1), 0, rnd);
            }
            default -> { // swap two bytes
                int i = r.nextInt(n);
                int j = r.nextInt(n);
                byte t = b[i];
                b[i] = b[j];
                b[j] = t;
                return b;
            }
        }
    }

    private static int digitsAt(byte[] b, int at) {
        int k = at;
        while (k < b.length && (b[k] >= '0' && b[k] <= '9' || b[k] == '.' || b[k] == '-')) {
            k++;
        }
        return k - at;
    }

    private static byte[] splice(byte[] b, int at, int deleted, byte[] inserted) {
        byte[] out = new byte[b.length - deleted + inserted.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(b, at + deleted, out, at + inserted.length, b.length - at - deleted);
        return out;
    }
}
