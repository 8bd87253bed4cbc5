#!/usr/bin/env python3
"""Writes the hostile .pth seed files of the fuzzing harness (issue 17) into java/cli/src/test/resources/fuzz/pth/.

Each file is small but, read naively, would hang or exhaust memory; FuzzHarnessTest and HostileFilesTest read
them (and mutations of them) and expect a quick one-line error or a bounded result. Needs PyTorch
(Debian: apt-get install python3-torch). Rerunning gives the same files except the legacy one, whose storage keys are object ids.
"""
import os
import sys
import zipfile

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "java", "cli", "src", "test", "resources", "fuzz", "pth")


def save(name, obj, **kw):
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kw)
    print(name, os.path.getsize(path))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    # a plain state_dict, both formats: the valid seeds the mutations start from
    sd = {"conv.weight": torch.randn(4, 3, 3, 3), "conv.bias": torch.randn(4),
          "bn.running_mean": torch.randn(4), "bn.num_batches_tracked": torch.tensor(7)}
    save("state_dict.zip.pth", sd)
    save("state_dict.legacy.pth", sd, _use_new_zipfile_serialization=False)

    # repeated memo references: 24 levels of [x, x] -> 2^24 tensors if shared references were copied
    x = [torch.ones(2)]
    for _ in range(24):
        x = [x, x]
    save("memo_doubling.pth", {"x": x})

    # one 256 KiB tensor under 1000 keys: shared, as torch shares it; 1000 copies would be 256 MiB
    t = torch.ones(64 * 1024)
    save("one_tensor_1000_keys.pth", {"k%d" % i: t for i in range(1000)})

    # a stride-0 view of one float claiming 2e9 elements (8 GB if expanded)
    save("stride0_2e9.pth", {"w": torch.zeros(1).expand(2_000_000_000)})

    # a deflated data.pkl that inflates to 64 MiB (a deflate bomb; torch stores records uncompressed)
    path = os.path.join(OUT, "deflate_bomb.pth")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("archive/data.pkl", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                f.write(chunk)
    print("deflate_bomb.pth", os.path.getsize(path))

    # a pickle nested 10,000 deep (lists in lists)
    save("nested_10000.pth", {"x": _nest(10_000)})


def _nest(n):
    # built iteratively; pickling it needs a deep recursion limit
    sys.setrecursionlimit(100_000)
    v = []
    for _ in range(n):
        v = [v]
    return v


if __name__ == "__main__":
    main()
