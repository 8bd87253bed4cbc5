package org.rcnn4j.cuda;

import jcuda.Pointer;

/** The Java array types the device layer copies from and to. */
final class HostArrays {
    private HostArrays() {
    }

    static int elementBytes(Object array) {
        if (array instanceof float[] || array instanceof int[]) {
            return 4;
        }
        if (array instanceof double[] || array instanceof long[]) {
            return 8;
        }
        if (array instanceof byte[]) {
            return 1;
        }
        throw unsupported(array);
    }

    static int length(Object array) {
        if (array instanceof float[] a) {
            return a.length;
        }
        if (array instanceof double[] a) {
            return a.length;
        }
        if (array instanceof long[] a) {
            return a.length;
        }
        if (array instanceof int[] a) {
            return a.length;
        }
        if (array instanceof byte[] a) {
            return a.length;
        }
        throw unsupported(array);
    }

    static Pointer pointer(Object array) {
        if (array instanceof float[] a) {
            return Pointer.to(a);
        }
        if (array instanceof double[] a) {
            return Pointer.to(a);
        }
        if (array instanceof long[] a) {
            return Pointer.to(a);
        }
        if (array instanceof int[] a) {
            return Pointer.to(a);
        }
        if (array instanceof byte[] a) {
            return Pointer.to(a);
        }
        throw unsupported(array);
    }

    static void checkRange(Object array, int offset, int count) {
        int length = length(array);
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new IllegalArgumentException("host range [" + offset + ", " + offset + "+" + count
                    + ") lies outside an array of " + length + " elements");
        }
    }

    private static IllegalArgumentException unsupported(Object array) {
        return new IllegalArgumentException("host array must be float[], double[], long[], int[] or byte[], got "
                + (array == null ? "null" : array.getClass().getSimpleName()));
    }
}
