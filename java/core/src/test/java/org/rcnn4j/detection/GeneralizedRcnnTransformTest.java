package org.rcnn4j.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;
import org.rcnn4j.testing.Fixtures;
import org.rcnn4j.testing.TensorAssert;

/** GeneralizedRCNNTransform against torchvision's (fixtures from gen_transform.py) and its size rule. */
class GeneralizedRcnnTransformTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @ParameterizedTest
    @ValueSource(strings = {"up", "down", "odd"})
    void matchesTorchvision(String name) {
        Map<String, Tensor> f = Fixtures.load("transform_" + name);
        long[] p = f.get("params").longs();
        List<Tensor> images = new ArrayList<>();
        for (int i = 0; f.containsKey("image" + i); i++) {
            images.add(f.get("image" + i));
        }
        ImageList il = GeneralizedRcnnTransform.transform(images, (int) p[0], (int) p[1], MEAN, STD, (int) p[2]);
        long[] sizes = f.get("image_sizes").longs();
        for (int i = 0; i < images.size(); i++) {
            assertArrayEquals(new int[] {(int) sizes[2 * i], (int) sizes[2 * i + 1]}, il.imageSizes()[i],
                    name + " image_sizes[" + i + "]");
        }
        TensorAssert.assertClose(name + " images", f.get("images"), il.tensors(), TensorAssert.FORWARD);
        for (int i = 0; i < images.size(); i++) {
            Tensor back = GeneralizedRcnnTransform.resizeBoxes(f.get("boxes" + i), il.imageSizes()[i],
                    new int[] {images.get(i).size(1), images.get(i).size(2)});
            TensorAssert.assertClose(name + " boxes" + i, f.get("boxes" + i + "_orig"), back, TensorAssert.FORWARD);
        }
    }

    /** The reference's examples at torchvision's defaults (800, 1333): the float32 reciprocal-times rule. */
    @Test
    void sizeRuleAtTheDefaults() {
        int[][] cases = {{480, 640, 800, 1066}, {427, 640, 799, 1199}, {375, 500, 799, 1066}, {333, 500, 799, 1201},
            {1000, 200, 1333, 266}, {800, 800, 800, 800}};
        for (int[] c : cases) {
            assertArrayEquals(new int[] {c[2], c[3]}, GeneralizedRcnnTransform.resizedSize(c[0], c[1], 800, 1333),
                    c[0] + "x" + c[1]);
        }
        // torch's interpolate refuses an empty output; so do we
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GeneralizedRcnnTransform.resizedSize(1, 10000, 800, 1333));
        assertTrue(e.getMessage().contains("1x10000 would be resized to 0x"), e.getMessage());
        // a plain division would give 799 rows for 480x640
        assertEquals(799, (int) Math.floor(480 * (double) (800f / 480f)));
    }

    @Test
    void identitySizeKeepsTheNormalizedImage() {
        float[] data = new float[3 * 4 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i * 37 % 101) / 100f;
        }
        Tensor img = Tensor.ofFloats(data, 3, 4, 5);
        Tensor same = GeneralizedRcnnTransform.resizeBilinear(img, 4, 5);
        TensorAssert.assertExact("resize to the same size", img, same);
        // 4x5 with min 4 / max 100: unchanged size, padded to 8x8 with zeros
        ImageList il = GeneralizedRcnnTransform.transform(List.of(img), 4, 100, MEAN, STD, 8);
        assertArrayEquals(new int[] {1, 3, 8, 8}, il.tensors().shape());
        float[] t = il.tensors().floats();
        assertEquals((data[7] - MEAN[0]) / STD[0], t[8 + 2], 0f); // (y=1, x=2) of channel 0
        assertEquals(0f, t[5], 0f); // padding
        assertEquals(0f, t[2 * 64 + 4 * 8], 0f);
    }

    @Test
    void badInputIsRejected() {
        Tensor img = Tensor.zeros(DType.F32, 3, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GeneralizedRcnnTransform.transform(List.of(), 800, 1333, MEAN, STD, 32));
        assertTrue(e.getMessage().contains("images"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GeneralizedRcnnTransform.transform(
                List.of(Tensor.zeros(DType.U8, 3, 4, 4)), 800, 1333, MEAN, STD, 32));
        assertTrue(e.getMessage().contains("images[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GeneralizedRcnnTransform.transform(
                List.of(img, Tensor.zeros(DType.F32, 1, 4, 4)), 800, 1333, new float[] {0f}, new float[] {1f}, 32));
        assertTrue(e.getMessage().contains("image_mean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GeneralizedRcnnTransform.resizeBoxes(Tensor.zeros(DType.F32, 2, 5), new int[] {1, 1},
                        new int[] {1, 1}));
        assertTrue(e.getMessage().contains("boxes"), e.getMessage());
    }
}
