#!/usr/bin/python3
"""Makes the Fashion-MNIST subset vendored in java/demo-data/src/main/resources/datasets/fashion-mnist-subset/.

Reads Debian's dataset-fashion-mnist IDX files (/usr/share/datasets/fashion-mnist) and keeps the first
TRAIN items of the training set and the first TEST items of the test set (the files are already shuffled and
class-balanced enough at that size), written back as gzipped IDX with the same names. Deterministic: gzip mtime 0.

    /usr/bin/python3 tools/make_fashion_mnist_subset.py [SRC_DIR] [OUT_DIR]
"""
import gzip
import os
import struct
import sys

TRAIN = 10000
TEST = 500
SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "java", "demo-data", "src", "main", "resources", "datasets",
    "fashion-mnist-subset")


def subset(name, count):
    with gzip.open(os.path.join(SRC, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    item = 1
    for d in dims[1:]:
        item *= d
    header = 4 + 4 * ndim
    dims[0] = count
    out = struct.pack(">I", magic) + struct.pack(">" + "I" * ndim, *dims) + data[header:header + count * item]
    path = os.path.join(OUT, name)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as g:
        g.write(out)
    print(path, os.path.getsize(path), "bytes")


os.makedirs(OUT, exist_ok=True)
subset("train-images-idx3-ubyte.gz", TRAIN)
subset("train-labels-idx1-ubyte.gz", TRAIN)
subset("t10k-images-idx3-ubyte.gz", TEST)
subset("t10k-labels-idx1-ubyte.gz", TEST)
