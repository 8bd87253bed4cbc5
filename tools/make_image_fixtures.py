#!/usr/bin/env python3
"""Writes the image fixtures of ImageFilesTest (issue 17, item 6) into java/core/src/test/resources/fixtures/images/.

cmyk.jpg (a CMYK JPEG as Pillow writes it, Adobe marker) with cmyk_expected.png, Pillow's convert("RGB") of it;
ycck.jpg (the same file with the Adobe marker's transform set to 2, so that its first three components are read as
Y, Cb, Cr: a valid YCCK JPEG, which Pillow cannot write directly) with ycck_expected.png, Pillow's convert("RGB");
truncated.jpg (the first half of a JPEG: Pillow refuses it, "image file is truncated"); badcrc.png (a PNG whose
IDAT CRC is wrong). Needs Pillow and NumPy.
"""
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "java", "core", "src", "test", "resources", "fixtures", "images")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(0)
    h, w = 24, 32
    y, x = np.mgrid[0:h, 0:w]
    cmyk = np.stack([(x * 8) % 256, (y * 10) % 256, ((x + y) * 5) % 256, rng.random((h, w)) * 60], -1)
    Image.fromarray(cmyk.astype(np.uint8), "CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=95)
    Image.open(os.path.join(OUT, "cmyk.jpg")).convert("RGB").save(os.path.join(OUT, "cmyk_expected.png"))
    b = bytearray(open(os.path.join(OUT, "cmyk.jpg"), "rb").read())
    adobe = b.find(b"Adobe") - 4
    assert b[adobe:adobe + 2] == b"\xff\xee" and b[adobe + 15] == 0, "expected Pillow's CMYK JPEG to carry Adobe transform 0"
    b[adobe + 15] = 2  # FF EE, length (2), "Adobe", version (2), flags0 (2), flags1 (2), then the transform
    open(os.path.join(OUT, "ycck.jpg"), "wb").write(b)
    Image.open(os.path.join(OUT, "ycck.jpg")).convert("RGB").save(os.path.join(OUT, "ycck_expected.png"))

    rgb = Image.fromarray((rng.random((64, 64, 3)) * 255).astype(np.uint8))
    jpg = os.path.join(OUT, "rgb.jpg")
    rgb.save(jpg, quality=90)
    b = open(jpg, "rb").read()
    os.remove(jpg)
    open(os.path.join(OUT, "truncated.jpg"), "wb").write(b[: len(b) // 2])

    png = os.path.join(OUT, "badcrc.png")
    rgb.save(png)
    b = bytearray(open(png, "rb").read())
    i = b.find(b"IDAT")
    n = int.from_bytes(b[i - 4:i], "big")
    b[i + 4 + n] ^= 0xFF
    open(png, "wb").write(b)


if __name__ == "__main__":
    main()
