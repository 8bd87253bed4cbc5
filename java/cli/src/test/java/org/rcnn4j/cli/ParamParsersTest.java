package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParamParsersTest {

    @Test
    void pairsTakeOneOrTwoIntegers() {
        assertArrayEquals(new int[] {7, 7}, (int[]) ParamParsers.pair(1).apply("7"));
        assertArrayEquals(new int[] {5, 4}, (int[]) ParamParsers.pair(1).apply("5,4"));
        assertArrayEquals(new int[] {5, 4}, (int[]) ParamParsers.pair(1).apply("(5, 4)"));
        assertArrayEquals(new int[] {0, 0}, (int[]) ParamParsers.pair(0).apply("0"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.pair(1).apply("0"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.pair(1).apply("1,2,3"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.pair(1).apply(""));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.pair(1).apply("a"));
    }

    @Test
    void numbers() {
        assertEquals(0.7f, ParamParsers.finiteFloat().apply("0.7"));
        assertEquals(-1f, ParamParsers.finiteFloat().apply("-1"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.finiteFloat().apply("Infinity"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.positiveFloat().apply("0"));
        assertEquals(0f, ParamParsers.nonNegativeFloat().apply("0"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.nonNegativeFloat().apply("-0.1"));
        assertEquals(-1, ParamParsers.anyInt().apply("-1"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.anyInt().apply("1.5"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.positiveInt().apply("0"));
    }

    @Test
    void lists() {
        assertArrayEquals(new float[] {10, 10, 5, 5}, (float[]) ParamParsers.positiveFloats(4).apply("10,10,5,5"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.positiveFloats(4).apply("1,1,1"));
        assertArrayEquals(new float[] {0.5f, 1, 2}, (float[]) ParamParsers.positiveFloats(0).apply("0.5,1,2"));
        assertArrayEquals(new int[] {32, 64}, (int[]) ParamParsers.positiveInts().apply("32,64"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.positiveInts().apply("32,,64"));
    }

    @Test
    void booleans() {
        assertEquals(true, ParamParsers.bool().apply("True"));
        assertEquals(false, ParamParsers.bool().apply("0"));
        assertThrows(IllegalArgumentException.class, () -> ParamParsers.bool().apply("maybe"));
    }
}
