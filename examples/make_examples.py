#!/usr/bin/python3
"""Writes the example inputs bundled in the rcnn4j jar, and torchvision's outputs for them.

`./rcnn4j example` runs every op on these inputs and compares with the outputs written here. Run with Debian's
python3-torchvision (torch 1.13 / torchvision 0.14):  /usr/bin/python3 examples/make_examples.py
Output: java/cli/src/main/resources/examples/{index.json, CASE.in.safetensors, CASE.expected.safetensors}.
"""
import json
import math
import os
import sys

import torch
import torchvision
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection._utils import BoxCoder
from torchvision.models.detection.roi_heads import paste_masks_in_image
from torchvision.ops import boxes as box_ops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "java", "core", "src", "test", "fixtures"))
from safetensors_io import save  # noqa: E402

OUT = os.path.join(ROOT, "java", "cli", "src", "main", "resources", "examples")
CASES = []


def case(name, op, sets, inputs, expected, tolerance):
    """Writes one case; tolerance 0 means exact (index outputs, integer-valued anchors)."""
    in_file = None
    if inputs:
        in_file = name + ".in.safetensors"
        save(os.path.join(OUT, in_file), inputs)
    exp_file = name + ".expected.safetensors"
    save(os.path.join(OUT, exp_file), expected)
    CASES.append({"name": name, "op": op, "set": sets, "inputs": in_file, "expected": exp_file,
                  "tolerance": tolerance})


def boxes(g, n, width, height, min_side=2.0):
    w = min_side + torch.rand(n, generator=g) * (width / 3)
    h = min_side + torch.rand(n, generator=g) * (height / 3)
    x = torch.rand(n, generator=g) * (width - w)
    y = torch.rand(n, generator=g) * (height - h)
    return torch.stack([x, y, x + w, y + h], dim=1)


def clustered_boxes(g, n, clusters, width, height):
    """Boxes jittered around a few centres, so NMS has something to suppress."""
    centres = boxes(g, clusters, width, height, min_side=20.0)
    pick = torch.randint(0, clusters, (n,), generator=g)
    jitter = torch.randn(n, 4, generator=g) * 4.0
    b = centres[pick] + jitter
    x1 = torch.minimum(b[:, 0], b[:, 2] - 1)
    y1 = torch.minimum(b[:, 1], b[:, 3] - 1)
    return torch.stack([x1, y1, b[:, 2], b[:, 3]], dim=1)


def rois(g, k, batch, width, height):
    b = boxes(g, k, width, height, min_side=1.0)
    idx = torch.randint(0, batch, (k, 1), generator=g).float()
    return torch.cat([idx, b], dim=1)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".safetensors") or f == "index.json":
            os.remove(os.path.join(OUT, f))
    g = torch.Generator().manual_seed(20240611)

    # nms / batched_nms
    b = clustered_boxes(g, 300, 12, 400.0, 300.0)
    s = torch.rand(300, generator=g)
    case("nms", "nms", ["iou_threshold=0.5"], {"boxes": b, "scores": s},
         {"keep": torchvision.ops.nms(b, s, 0.5)}, 0)
    idxs = torch.randint(0, 5, (300,), generator=g)
    case("batched_nms", "batched_nms", ["iou_threshold=0.4"], {"boxes": b, "scores": s, "idxs": idxs},
         {"keep": torchvision.ops.batched_nms(b, s, idxs, 0.4)}, 0)

    # box_iou, clip_boxes_to_image, remove_small_boxes
    b1, b2 = boxes(g, 40, 100.0, 80.0), boxes(g, 60, 100.0, 80.0)
    case("box_iou", "box_iou", [], {"boxes1": b1, "boxes2": b2}, {"iou": torchvision.ops.box_iou(b1, b2)}, 2e-5)
    bc = boxes(g, 50, 120.0, 90.0) - torch.tensor([20.0, 15.0, 20.0, 15.0])
    case("clip_boxes_to_image", "clip_boxes_to_image", ["size=60,80"], {"boxes": bc},
         {"boxes": box_ops.clip_boxes_to_image(bc, (60, 80))}, 0)
    bs = boxes(g, 50, 40.0, 40.0, min_side=0.5)
    case("remove_small_boxes", "remove_small_boxes", ["min_size=4"], {"boxes": bs},
         {"keep": box_ops.remove_small_boxes(bs, 4.0)}, 0)

    # roi_align / roi_pool, forward and input gradient
    feat = torch.randn(2, 8, 24, 32, generator=g)
    r = rois(g, 12, 2, 64.0, 48.0)
    for name, sets, kwargs in [
        ("roi_align", ["output_size=7", "spatial_scale=0.5", "sampling_ratio=2", "aligned=false"],
         dict(output_size=(7, 7), spatial_scale=0.5, sampling_ratio=2, aligned=False)),
        ("roi_align_aligned", ["output_size=5,4", "spatial_scale=0.5", "aligned=true"],
         dict(output_size=(5, 4), spatial_scale=0.5, sampling_ratio=-1, aligned=True)),
    ]:
        x = feat.clone().requires_grad_(True)
        out = torchvision.ops.roi_align(x, r, **kwargs)
        grad = torch.randn(out.shape, generator=g)
        out.backward(grad)
        case(name, "roi_align", sets, {"input": feat, "boxes": r, "grad_output": grad},
             {"output": out.detach(), "grad_input": x.grad}, 1e-4)
    x = feat.clone().requires_grad_(True)
    out = torchvision.ops.roi_pool(x, r, (6, 5), 0.5)
    grad = torch.randn(out.shape, generator=g)
    out.backward(grad)
    case("roi_pool", "roi_pool", ["output_size=6,5", "spatial_scale=0.5"],
         {"input": feat, "boxes": r, "grad_output": grad}, {"output": out.detach(), "grad_input": x.grad}, 1e-5)

    # BoxCoder decode (3 classes, some dw/dh beyond the clamp) and encode
    weights = (10.0, 10.0, 5.0, 5.0)
    coder = BoxCoder(weights)
    ref = boxes(g, 100, 200.0, 150.0, min_side=4.0)
    codes = torch.randn(100, 12, generator=g)
    codes[:5, 2] = 30.0  # dw / 5 = 6 > log(1000/16): exercises the clamp
    decoded = coder.decode_single(codes, ref)
    case("decode_boxes", "decode_boxes", ["weights=10,10,5,5"], {"rel_codes": codes, "boxes": ref},
         {"boxes": decoded}, 2e-5)
    gt = boxes(g, 100, 200.0, 150.0, min_side=4.0)
    case("encode_boxes", "encode_boxes", ["weights=10,10,5,5"], {"reference_boxes": gt, "proposals": ref},
         {"targets": coder.encode_single(gt, ref)}, 2e-5)

    # anchors for one level: strides 8 (exact) and 7 (100 // 13, 150 // 19)
    for name, sizes, ratios, (ih, iw), (fh, fw) in [
        ("anchors", (32,), (0.5, 1.0, 2.0), (64, 96), (8, 12)),
        ("anchors_two_sizes", (32, 64), (0.5, 1.0, 2.0), (100, 150), (13, 19)),
    ]:
        gen = AnchorGenerator(sizes=(sizes,), aspect_ratios=(ratios,))
        images = ImageList(torch.zeros(1, 3, ih, iw), [(ih, iw)])
        anchors = gen(images, [torch.zeros(1, 4, fh, fw)])[0]
        case(name, "anchors", ["sizes=" + ",".join(str(v) for v in sizes),
                               "aspect_ratios=" + ",".join(str(v) for v in ratios),
                               f"image_height={ih}", f"image_width={iw}", f"feature_height={fh}",
                               f"feature_width={fw}"], None, {"anchors": anchors}, 0)

    # anchors of three levels in one call (op anchors_levels), as the RPN asks for them
    level_sizes, level_maps = ((32,), (64, 80), (128,)), ((16, 24), (8, 12), (4, 6))
    gen = AnchorGenerator(sizes=level_sizes, aspect_ratios=((0.5, 1.0, 2.0),) * 3)
    images = ImageList(torch.zeros(1, 3, 128, 192), [(128, 192)])
    anchors = torch.cat(gen(images, [torch.zeros(1, 4, fh, fw) for fh, fw in level_maps]))
    case("anchors_levels", "anchors_levels", ["sizes=" + "/".join(",".join(str(v) for v in s) for s in level_sizes),
                                              "aspect_ratios=0.5,1.0,2.0", "image_height=128", "image_width=192",
                                              "feature_heights=" + ",".join(str(h) for h, _ in level_maps),
                                              "feature_widths=" + ",".join(str(w) for _, w in level_maps)],
         None, {"anchors": anchors}, 0)

    # paste_masks: some boxes partly outside the image
    masks = torch.rand(6, 1, 28, 28, generator=g)
    pb = boxes(g, 6, 80.0, 60.0, min_side=3.0)
    pb[0] = torch.tensor([-10.0, -6.0, 30.0, 25.0])
    pb[1] = torch.tensor([60.0, 40.0, 95.0, 70.0])
    case("paste_masks", "paste_masks", ["image_height=60", "image_width=80", "padding=1"],
         {"masks": masks, "boxes": pb}, {"masks": paste_masks_in_image(masks, pb, (60, 80), padding=1)}, 1e-4)

    # conv2d: groups, stride, padding, bias, and all three gradients
    x = torch.randn(2, 6, 13, 17, generator=g, requires_grad=True)
    w = torch.randn(8, 3, 3, 3, generator=g, requires_grad=True)
    bias = torch.randn(8, generator=g, requires_grad=True)
    out = torch.nn.functional.conv2d(x, w, bias, stride=2, padding=1, dilation=1, groups=2)
    grad = torch.randn(out.shape, generator=g)
    out.backward(grad)
    case("conv2d", "conv2d", ["stride=2", "padding=1", "dilation=1", "groups=2"],
         {"input": x.detach(), "weight": w.detach(), "bias": bias.detach(), "grad_output": grad},
         {"output": out.detach(), "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": bias.grad}, 1e-4)

    # matmul with the second operand transposed (a linear layer's x W^T)
    a = torch.randn(20, 30, generator=g)
    bt = torch.randn(25, 30, generator=g)
    case("matmul", "matmul", ["transpose_other=true"], {"input": a, "other": bt}, {"output": a @ bt.T}, 2e-5)

    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"generated_by": "examples/make_examples.py with torch %s, torchvision %s"
                   % (torch.__version__, torchvision.__version__), "cases": CASES}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d cases, %d bytes, to %s" % (len(CASES), total, OUT))


if __name__ == "__main__":
    main()
