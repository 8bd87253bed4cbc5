package org.rcnn4j.io;

/** IEEE binary16 (torch.float16) and bfloat16 values widened to float, exactly (both are subsets of float32). */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** A binary16 value's bits as the float of the same value (subnormals, infinities and NaN payloads kept). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }

    /** A bfloat16 value's bits as the float of the same value: its top 16 bits. */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
