#!/usr/bin/python3
"""Times rcnn4j against torchvision on the same inputs, checks that they agree, and writes a markdown table.

One run generates every input (fixed seeds, detector-sized), writes it as safetensors, times torchvision's op
(median of repeats after a warm-up), times rcnn4j's `op ... --repeat N` on the same file (rcnn4j's own timer:
System.nanoTime on the CPU, CUDA events on the GPU; the JVM start is not timed), compares the outputs and writes
benchmarks/results/cpu-<date>.md, or gpu-<date>-<gpu>.md with --device cuda.

  CPU, 2 threads each:   /usr/bin/python3 benchmarks/compare_torchvision.py
  GPU:                   python3 benchmarks/compare_torchvision.py --device cuda \
                             --rcnn4j-cmd "java -jar java/cli/target/rcnn4j-cli-0.1.0-SNAPSHOT-standalone.jar"

Needs only torch and torchvision (any version with torchvision.ops; tested with torch 1.13 / torchvision 0.14 and
written for torch 2.x); safetensors files go through java/core/src/test/fixtures/safetensors_io.py.
"""
import argparse
import datetime
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import torch
import torchvision
from torchvision.models.detection._utils import BoxCoder
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.roi_heads import paste_masks_in_image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

IMAGE_H, IMAGE_W = 800, 1216
MAP_H, MAP_W = 50, 76
SCALE = 1.0 / 16
FPN_800x1088 = [(200, 272, 32), (100, 136, 64), (50, 68, 128), (25, 34, 256), (13, 17, 512)]

# the repository's one safetensors writer/reader for Python scripts (the safetensors package is not needed)
sys.path.insert(0, os.path.join(ROOT, "java", "core", "src", "test", "fixtures"))
from safetensors_io import load, save  # noqa: E402


# ---- inputs (fixed seeds) ----------------------------------------------------------------------------------------

def proposals(g, n, objects, width, height):
    """RPN-like boxes: jittered copies of a few object boxes, so NMS has real suppression work."""
    w = 16 + torch.rand(objects, generator=g) * (width / 3)
    h = 16 + torch.rand(objects, generator=g) * (height / 3)
    x = torch.rand(objects, generator=g) * (width - w)
    y = torch.rand(objects, generator=g) * (height - h)
    obj = torch.stack([x, y, x + w, y + h], 1)
    pick = torch.randint(0, objects, (n,), generator=g)
    o = obj[pick]
    ow, oh = o[:, 2] - o[:, 0], o[:, 3] - o[:, 1]
    j = (torch.rand(n, 4, generator=g) - 0.5) * 0.2
    x1 = (o[:, 0] + j[:, 0] * ow).clamp(0, width - 2)
    y1 = (o[:, 1] + j[:, 1] * oh).clamp(0, height - 2)
    x2 = torch.maximum(o[:, 2] + j[:, 2] * ow, x1 + 1).clamp(max=width)
    y2 = torch.maximum(o[:, 3] + j[:, 3] * oh, y1 + 1).clamp(max=height)
    return torch.stack([x1, y1, x2, y2], 1).contiguous()


def rois(g, k, width, height):
    b = proposals(g, k, max(1, k // 10), width, height)
    return torch.cat([torch.zeros(k, 1), b], 1).contiguous()


# ---- cases ---------------------------------------------------------------------------------------------------------

class Case:
    """One comparison: inputs, rcnn4j's op and --set values, torchvision's callables (per phase), a target."""

    def __init__(self, name, sizes, op, sets, inputs, phases, expected, target=None, repeat=20, tolerance=1e-4,
                 rcnn4j_phases=None, levels=None):
        self.name, self.sizes, self.op, self.sets = name, sizes, op, sets
        self.inputs = inputs            # name -> CPU tensor, written for rcnn4j
        self.phases = phases            # phase -> (device -> callable timing torchvision), e.g. {"forward": f}
        self.expected = expected        # device -> {output name: tensor}, torchvision's outputs
        self.target, self.repeat, self.tolerance = target, repeat, tolerance
        self.rcnn4j_phases = rcnn4j_phases  # rcnn4j's phase names matching self.phases (None: the total)
        self.levels = levels            # several rcnn4j calls (anchors per FPN level), summed


def on(device, fn, *tensors):
    """fn bound to copies of tensors on device: what gets timed is the op alone, not the copies."""
    moved = [t.to(device) for t in tensors]
    return lambda: fn(*moved)


def conv_backward_phases(x, w, b, grad_out, stride, padding):
    """For conv2d(x, w, b, stride, padding) with grad_output grad_out: the timed backward (aten's
    convolution_backward, all three gradients) and the expected outputs (autograd's), each taking the device."""
    def backward(d):
        xx, ww, gg = x.to(d), w.to(d), grad_out.to(d)
        return lambda: torch.ops.aten.convolution_backward(gg, xx, ww, [b.numel()], [stride, stride],
                                                           [padding, padding], [1, 1], False, [0, 0], 1,
                                                           [True, True, True])

    def expected(d):
        xx, ww, bb = (t.to(d).clone().requires_grad_(True) for t in (x, w, b))
        out = torch.nn.functional.conv2d(xx, ww, bb, stride=stride, padding=padding)
        out.backward(grad_out.to(d))
        return {"output": out.detach(), "grad_input": xx.grad, "grad_weight": ww.grad, "grad_bias": bb.grad}

    return backward, expected


def build_cases(quick):
    g = torch.Generator().manual_seed(2024)
    cases = []

    # nms: 10k RPN proposals at 0.7
    n = 2000 if quick else 10_000
    boxes = proposals(g, n, 100, IMAGE_W, IMAGE_H)
    scores = torch.rand(n, generator=g)
    cases.append(Case("nms", f"{n} boxes, IoU 0.7", "nms", ["iou_threshold=0.7"],
                      {"boxes": boxes, "scores": scores},
                      {"nms": lambda d: on(d, lambda b, s: torchvision.ops.nms(b, s, 0.7), boxes, scores)},
                      lambda d: {"keep": torchvision.ops.nms(boxes.to(d), scores.to(d), 0.7)},
                      target=2.0, tolerance=0))
    idxs = torch.randint(0, 80, (n,), generator=g)
    cases.append(Case("batched_nms", f"{n} boxes, 80 classes, IoU 0.5", "batched_nms", ["iou_threshold=0.5"],
                      {"boxes": boxes, "scores": scores, "idxs": idxs},
                      {"batched_nms": lambda d: on(d, lambda b, s, i: torchvision.ops.batched_nms(b, s, i, 0.5),
                                                   boxes, scores, idxs)},
                      lambda d: {"keep": torchvision.ops.batched_nms(boxes.to(d), scores.to(d), idxs.to(d), 0.5)},
                      tolerance=0))

    # roi_align / roi_pool: 1000 RoIs x 256 channels -> 7x7 on a 256x50x76 map, forward and backward
    k = 200 if quick else 1000
    feat = torch.randn(1, 256, MAP_H, MAP_W, generator=g)
    r = rois(g, k, IMAGE_W, IMAGE_H)
    grad = torch.randn(k, 256, 7, 7, generator=g)

    def align_fwd(d):
        x, rr = feat.to(d), r.to(d)
        return lambda: torchvision.ops.roi_align(x, rr, (7, 7), SCALE, 2, False)

    def align_bwd(d):
        gg, rr = grad.to(d), r.to(d)
        return lambda: torch.ops.torchvision._roi_align_backward(gg, rr, SCALE, 7, 7, 1, 256, MAP_H, MAP_W, 2, False)

    def align_expected(d):
        x = feat.to(d).clone().requires_grad_(True)
        out = torchvision.ops.roi_align(x, r.to(d), (7, 7), SCALE, 2, False)
        out.backward(grad.to(d))
        return {"output": out.detach(), "grad_input": x.grad}

    sizes = f"{k} RoIs x 256 ch -> 7x7, map 256x{MAP_H}x{MAP_W}"
    align_sets = ["output_size=7", f"spatial_scale={SCALE}", "sampling_ratio=2", "aligned=false"]
    cases.append(Case("roi_align forward", sizes, "roi_align", align_sets, {"input": feat, "boxes": r},
                      {"forward": align_fwd}, lambda d: {"output": align_expected(d)["output"]}, target=1.0,
                      repeat=10, tolerance=1e-5))
    cases.append(Case("roi_align backward", sizes, "roi_align", align_sets,
                      {"input": feat, "boxes": r, "grad_output": grad}, {"backward": align_bwd}, align_expected,
                      repeat=10, rcnn4j_phases=["backward"], tolerance=1e-4))

    def pool_fwd(d):
        x, rr = feat.to(d), r.to(d)
        return lambda: torchvision.ops.roi_pool(x, rr, (7, 7), SCALE)

    def pool_bwd(d):
        x, rr, gg = feat.to(d), r.to(d), grad.to(d)
        _, argmax = torch.ops.torchvision.roi_pool(x, rr, SCALE, 7, 7)
        return lambda: torch.ops.torchvision._roi_pool_backward(gg, rr, argmax, SCALE, 7, 7, 1, 256, MAP_H, MAP_W)

    def pool_expected(d):
        x = feat.to(d).clone().requires_grad_(True)
        out = torchvision.ops.roi_pool(x, r.to(d), (7, 7), SCALE)
        out.backward(grad.to(d))
        return {"output": out.detach(), "grad_input": x.grad}

    pool_sets = ["output_size=7", f"spatial_scale={SCALE}"]
    cases.append(Case("roi_pool forward", sizes, "roi_pool", pool_sets, {"input": feat, "boxes": r},
                      {"forward": pool_fwd}, lambda d: {"output": pool_expected(d)["output"]}, target=1.0,
                      repeat=10, tolerance=1e-6))
    cases.append(Case("roi_pool backward", sizes, "roi_pool", pool_sets,
                      {"input": feat, "boxes": r, "grad_output": grad}, {"backward": pool_bwd}, pool_expected,
                      repeat=10, rcnn4j_phases=["backward"], tolerance=1e-5))

    # roi_pool on a batch of two stride-8 maps (issue 18's case: 256x100x152 each, 1000 RoIs over both, scale 1/8)
    big_h, big_w, big_scale = IMAGE_H // 8, IMAGE_W // 8, 1.0 / 8
    big = torch.randn(2, 256, big_h, big_w, generator=g)
    rb = rois(g, k, IMAGE_W, IMAGE_H)
    rb[:, 0] = torch.randint(0, 2, (k,), generator=g).float()

    def pool_big_fwd(d):
        x, rr = big.to(d), rb.to(d)
        return lambda: torchvision.ops.roi_pool(x, rr, (7, 7), big_scale)

    cases.append(Case("roi_pool forward on 2 large maps", f"{k} RoIs x 256 ch -> 7x7, maps 2x256x{big_h}x{big_w}",
                      "roi_pool", ["output_size=7", f"spatial_scale={big_scale}"], {"input": big, "boxes": rb},
                      {"forward": pool_big_fwd},
                      lambda d: {"output": torchvision.ops.roi_pool(big.to(d), rb.to(d), (7, 7), big_scale)},
                      target=1.0, repeat=10, tolerance=1e-6))

    # paste_masks: 100 masks 28x28 into 800x1216
    m = 20 if quick else 100
    masks = torch.rand(m, 1, 28, 28, generator=g)
    mb = proposals(g, m, m, IMAGE_W, IMAGE_H)
    cases.append(Case("paste_masks", f"{m} masks 28x28 -> {IMAGE_H}x{IMAGE_W}", "paste_masks",
                      [f"image_height={IMAGE_H}", f"image_width={IMAGE_W}", "padding=1"],
                      {"masks": masks, "boxes": mb},
                      {"paste": lambda d: on(d, lambda mm, bb: paste_masks_in_image(mm, bb, (IMAGE_H, IMAGE_W), 1),
                                             masks, mb)},
                      lambda d: {"masks": paste_masks_in_image(masks.to(d), mb.to(d), (IMAGE_H, IMAGE_W), 1)},
                      target=1.0, repeat=5, tolerance=1e-4))

    # conv2d 3x3 256 -> 256 at 50x76
    x = torch.randn(1, 256, MAP_H, MAP_W, generator=g)
    w = torch.randn(256, 256, 3, 3, generator=g) * 0.02
    bias = torch.randn(256, generator=g)
    conv = torch.nn.functional.conv2d
    cases.append(Case("conv2d forward", f"3x3 256->256 at {MAP_H}x{MAP_W}, padding 1", "conv2d", ["padding=1"],
                      {"input": x, "weight": w, "bias": bias},
                      {"forward": lambda d: on(d, lambda xx, ww, bb: conv(xx, ww, bb, padding=1), x, w, bias)},
                      lambda d: {"output": conv(x.to(d), w.to(d), bias.to(d), padding=1)},
                      target=0.3, repeat=10, tolerance=1e-4))

    # conv2d on the ResNet-50 backbone's large maps (800x1216 image): layer2's first 3x3, stride 2, on layer1's map,
    # and layer3's 1x1 reduction on layer2's map; the two layers that stayed below 0.9 on 2026-12-06 when oneDNN
    # allocated its reorder buffers afresh every call
    for lname, (c_in, c_out, k, stride, pad, mh, mw) in (("3x3 stride 2", (128, 128, 3, 2, 1, 200, 304)),
                                                         ("1x1", (512, 128, 1, 1, 0, 100, 152))):
        xb = torch.randn(1, c_in, mh, mw, generator=g)
        wb = torch.randn(c_out, c_in, k, k, generator=g) * 0.02
        bb = torch.randn(c_out, generator=g)
        cases.append(Case(f"conv2d forward backbone {lname}", f"{k}x{k} {c_in}->{c_out} at {mh}x{mw}, stride "
                          f"{stride}, padding {pad}", "conv2d", [f"stride={stride}", f"padding={pad}"],
                          {"input": xb, "weight": wb, "bias": bb},
                          {"forward": lambda d, xb=xb, wb=wb, bb=bb, s=stride, p=pad:
                              on(d, lambda xx, ww, b: conv(xx, ww, b, stride=s, padding=p), xb, wb, bb)},
                          lambda d, xb=xb, wb=wb, bb=bb, s=stride, p=pad:
                              {"output": conv(xb.to(d), wb.to(d), bb.to(d), stride=s, padding=p)},
                          repeat=20, tolerance=1e-4))

    # conv2d over a batch of small maps: the demo pretraining's last stage (32 images, 96 -> 128 at 4x4, stride 2),
    # where rcnn4j multiplies the whole batch in one GEMM (per image it would be a 4-column GEMM). A forward call
    # takes about half a millisecond: over 500 repeats the median still fell in the JIT's warm-up (2.1 ms against
    # 0.7 ms over 5000), so it gets many more
    xs = torch.randn(32, 96, 4, 4, generator=g)
    ws = torch.randn(128, 96, 3, 3, generator=g) * 0.05
    bs = torch.randn(128, generator=g)
    gs = torch.randn(32, 128, 2, 2, generator=g)
    small_sizes = "32 images, 3x3 96->128 at 4x4, stride 2, padding 1"
    small_sets = ["stride=2", "padding=1"]

    small_bwd, small_expected = conv_backward_phases(xs, ws, bs, gs, stride=2, padding=1)

    cases.append(Case("conv2d forward small maps", small_sizes, "conv2d", small_sets,
                      {"input": xs, "weight": ws, "bias": bs},
                      {"forward": lambda d: on(d, lambda xx, ww, bb: conv(xx, ww, bb, stride=2, padding=1), xs, ws,
                                               bs)},
                      lambda d: {"output": small_expected(d)["output"]}, repeat=5000, tolerance=1e-4))
    cases.append(Case("conv2d backward small maps", small_sizes, "conv2d", small_sets,
                      {"input": xs, "weight": ws, "bias": bs, "grad_output": gs}, {"backward": small_bwd},
                      small_expected, repeat=500, rcnn4j_phases=["backward"], tolerance=1e-4))

    # conv2d backward with stride 1: the demo's mask head (64 RoIs of 64 channels at 14x14, 3x3 64 -> 64), whose
    # input gradient rcnn4j computes as a convolution with turned weights rather than by col2im
    xm = torch.randn(64, 64, 14, 14, generator=g)
    wm = torch.randn(64, 64, 3, 3, generator=g) * 0.05
    bm = torch.randn(64, generator=g)
    gm = torch.randn(64, 64, 14, 14, generator=g)
    mask_bwd, mask_expected = conv_backward_phases(xm, wm, bm, gm, stride=1, padding=1)

    cases.append(Case("conv2d backward mask head", "64 images, 3x3 64->64 at 14x14, padding 1", "conv2d",
                      ["padding=1"], {"input": xm, "weight": wm, "bias": bm, "grad_output": gm}, {"backward": mask_bwd},
                      mask_expected, repeat=100, rcnn4j_phases=["backward"], tolerance=1e-4))

    # Linear's GEMM in the box head (TwoMLPHead of R50-FPN): fc6 takes 1000 RoIs of 256x7x7 to 1024, fc7 1024 to
    # 1024; rcnn4j's matmul op with transpose_other is x . W^T (cuBLAS where present, else rcnn4j's gemm.cu)
    num_rois = 200 if quick else 1000
    for lname, k_in in (("fc6", 256 * 7 * 7), ("fc7", 1024)):
        xl = torch.randn(num_rois, k_in, generator=g)
        wl = torch.randn(1024, k_in, generator=g) * (1.0 / k_in ** 0.5)
        cases.append(Case(f"linear {lname}", f"{num_rois}x{k_in} . ({1024}x{k_in})^T", "matmul",
                          ["transpose_other=true"], {"input": xl, "other": wl},
                          {"forward": lambda d, xl=xl, wl=wl: on(d, lambda a, b: a @ b.t(), xl, wl)},
                          lambda d, xl=xl, wl=wl: {"output": xl.to(d) @ wl.to(d).t()}, repeat=20, tolerance=1e-4))

    # BoxCoder.decode_single of 200k RPN codes (weights 1,1,1,1). Both this and the anchors take 1-2 ms a call, so
    # 300 repeats for a steady median (rcnn4j op --repeat itself warms up for 2 s and waits for the vector forms'
    # hand-over before it times, so no case needs more repeats for the JIT's sake)
    nd = 20_000 if quick else 200_000
    anchors = proposals(g, nd, 1000, IMAGE_W, IMAGE_H)
    codes = torch.randn(nd, 4, generator=g)
    coder = BoxCoder((1.0, 1.0, 1.0, 1.0))
    cases.append(Case("decode_boxes", f"{nd} boxes, 1 class", "decode_boxes", ["weights=1,1,1,1"],
                      {"rel_codes": codes, "boxes": anchors},
                      {"decode": lambda d: on(d, coder.decode_single, codes, anchors)},
                      lambda d: {"boxes": coder.decode_single(codes.to(d), anchors.to(d))}, repeat=300,
                      tolerance=2e-5))

    # anchors of the five FPN levels of an 800x1088 image
    gen = AnchorGenerator(sizes=tuple((s,) for _, _, s in FPN_800x1088),
                          aspect_ratios=((0.5, 1.0, 2.0),) * len(FPN_800x1088))

    def anchors_tv(d):
        images = ImageList(torch.zeros(1, 3, 800, 1088, device=d), [(800, 1088)])
        feats = [torch.zeros(1, 1, h, w, device=d) for h, w, _ in FPN_800x1088]
        return lambda: gen(images, feats)

    # rcnn4j: all five levels in one call (op anchors_levels), as the RPN asks for them
    one_call = ["sizes=" + "/".join(str(s) for _, _, s in FPN_800x1088), "aspect_ratios=0.5,1.0,2.0",
                "image_height=800", "image_width=1088",
                "feature_heights=" + ",".join(str(h) for h, _, _ in FPN_800x1088),
                "feature_widths=" + ",".join(str(w) for _, w, _ in FPN_800x1088)]
    cases.append(Case("anchors", "5 FPN levels of 800x1088 (217,413 anchors)", "anchors_levels", one_call, {},
                      {"anchors": anchors_tv}, lambda d: {"anchors": anchors_tv(d)()[0]}, repeat=300, tolerance=0))
    return cases


# ---- timing --------------------------------------------------------------------------------------------------------

def time_torch(fn, device, repeat, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    if device == "cuda":
        torch.cuda.synchronize()
        for _ in range(repeat):
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            times.append(start.elapsed_time(stop))
    else:
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return median(times)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def run_rcnn4j(cmd, env, op, sets, in_path, out_path, device, repeat):
    args = cmd + ["op", op, "--out", out_path, "--device", device, "--repeat", str(repeat)]
    if in_path:
        args += ["--in", in_path]
    for s in sets:
        args += ["--set", s]
    p = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        err = [l for l in p.stderr.splitlines() if l.startswith("rcnn4j:")] or p.stderr.strip().splitlines()[-1:]
        raise RuntimeError(err[-1] if err else f"exit code {p.returncode}")
    timing = {}
    for key, value in re.findall(r"(\w+)=([0-9.]+)", p.stdout):
        timing[key] = float(value)
    return timing


def rcnn4j_case(case, cmd, env, in_path, out_path, device, repeat):
    """rcnn4j's median ms for a case (the phases it is about, or levels summed) and its outputs."""
    if case.levels:
        ms, outs = 0.0, []
        for i, sets in enumerate(case.levels):
            p = out_path + f".{i}"
            t = run_rcnn4j(cmd, env, case.op, sets, None, p, device, repeat)
            ms += t["median_ms"]
            outs.append(load(p)["anchors"])
            os.remove(p)
        return ms, {"anchors": torch.cat(outs)}
    t = run_rcnn4j(cmd, env, case.op, case.sets, in_path, out_path, device, repeat)
    ms = sum(t[f"{p}_median_ms"] for p in case.rcnn4j_phases) if case.rcnn4j_phases else t["median_ms"]
    return ms, load(out_path)


def relative_error(expected, actual):
    """Largest |actual - expected| relative to the largest |expected|; index outputs must be equal."""
    expected = expected.detach().cpu()
    actual = actual.detach().cpu()
    if tuple(expected.shape) != tuple(actual.shape):
        return math.inf
    if not expected.dtype.is_floating_point:
        return 0.0 if torch.equal(expected.to(torch.int64), actual.to(torch.int64)) else math.inf
    e, a = expected.double(), actual.double()
    if e.numel() == 0:
        return 0.0
    if not torch.equal(torch.isnan(e), torch.isnan(a)):
        return math.inf
    scale = max(e.nan_to_num(0).abs().max().item(), 1e-30)
    return (a - e).nan_to_num(0).abs().max().item() / scale


# ---- main ----------------------------------------------------------------------------------------------------------

def machine(device, threads, load_before):
    lines = [f"- torch {torch.__version__}, torchvision {torchvision.__version__}, Python {platform.python_version()}"]
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        if names:
            cpu = f"{names[0]} ({len(names)} logical CPUs on the machine)"
    except OSError:
        pass
    load_after = os.getloadavg()[0]
    busy = max(load_before, load_after) > os.cpu_count()
    lines.append(f"- CPU: {cpu}; load average {load_before:.1f} at the start, {load_after:.1f} at the end"
                 + (" (above the CPU count: other processes competed for the CPUs and times are noisy)" if busy
                    else " (the machine was otherwise idle)"))
    if device == "cuda":
        lines.append(f"- GPU: {torch.cuda.get_device_name(0)}, CUDA {torch.version.cuda}")
    else:
        lines.append(f"- threads: torch.set_num_threads({threads}); rcnn4j's JVM limited to the same {threads} CPUs "
                     f"(taskset) with ForkJoinPool common parallelism {threads - 1} (plus the calling thread: {threads}); "
                     "both pinned to those CPUs")
    try:
        v = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
        if v:
            lines.append(f"- Java: {v[0]}")
    except OSError:
        pass
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads for both (CPU runs only)")
    ap.add_argument("--rcnn4j-cmd", default=os.path.join(ROOT, "rcnn4j"),
                    help='how to start rcnn4j, e.g. "java -jar path/to/rcnn4j-0.1.0-SNAPSHOT-cli.jar"')
    ap.add_argument("--ops", default="", help="comma-separated case names or ops to run (default: all)")
    ap.add_argument("--repeat-scale", type=float, default=1.0, help="multiply every case's repeat count")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for trying the script out")
    ap.add_argument("--results", default=os.path.join(HERE, "results"), help="where the markdown goes")
    ap.add_argument("--work", default=None, help="where inputs/outputs go (default: a temporary directory)")
    ap.add_argument("--java-opts", default="-Xmx6g", help="extra JVM options for rcnn4j")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time both sides this many times, alternating, and keep each side's best median "
                         "(evens out a machine whose load changes)")
    args = ap.parse_args()

    device = args.device
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("compare_torchvision: --device cuda, but torch sees no CUDA device")
    cmd = shlex.split(args.rcnn4j_cmd)
    env = dict(os.environ)
    java_opts = [args.java_opts, "--add-modules=jdk.incubator.vector"]
    if device == "cpu":
        torch.set_num_threads(args.threads)
        cpus = sorted(os.sched_getaffinity(0))[:args.threads]
        os.sched_setaffinity(0, cpus)  # torch on the same CPUs rcnn4j gets
        # rcnn4j's kernels run on the common pool plus the calling thread: parallelism threads-1 makes `threads`
        # in all (parallelism = threads put one thread more than CPUs on them: tiny parallel ops then crawled)
        java_opts.append(f"-Djava.util.concurrent.ForkJoinPool.common.parallelism={args.threads - 1}")
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
    # JDK_JAVA_OPTIONS reaches the JVM whether rcnn4j starts through ./rcnn4j or java -jar
    env["JDK_JAVA_OPTIONS"] = " ".join(o for o in java_opts if o)
    if device == "cpu":
        env.setdefault("RCNN4J_SKIP_NATIVE", "1")  # if ./rcnn4j must build, the CPU needs no CUDA parts

    load_before = os.getloadavg()[0]
    work = args.work or tempfile.mkdtemp(prefix="rcnn4j-bench-")
    os.makedirs(work, exist_ok=True)
    wanted = {w.strip() for w in args.ops.split(",") if w.strip()}
    rows = []
    for case in build_cases(args.quick):
        if wanted and case.name not in wanted and case.op not in wanted:
            continue
        repeat = max(3, int(round(case.repeat * args.repeat_scale)))
        slug = case.name.replace(" ", "_")
        in_path = os.path.join(work, slug + ".in.safetensors") if case.inputs else None
        out_path = os.path.join(work, slug + ".out.safetensors")
        if in_path:
            save(in_path, case.inputs)
        expected = case.expected(device)
        row = {"case": case.name, "sizes": case.sizes, "target": case.target, "note": ""}
        tv_ms, ms = math.inf, math.inf
        try:
            for _ in range(args.rounds):
                print(f"[{case.name}] torchvision ...", file=sys.stderr, flush=True)
                tv_ms = min(tv_ms, sum(time_torch(make(device), device, repeat) for make in case.phases.values()))
                print(f"[{case.name}] rcnn4j ...", file=sys.stderr, flush=True)
                ms_round, actual = rcnn4j_case(case, cmd, env, in_path, out_path, device, repeat)
                ms = min(ms, ms_round)
            err = max(relative_error(v, actual[k]) if k in actual else math.inf for k, v in expected.items())
            row.update(rcnn4j=ms, err=err, agree=err <= case.tolerance)
            if not row["agree"]:
                row["note"] = f"outputs disagree (max rel err {err:.2e} > {case.tolerance:g})"
        except (RuntimeError, KeyError) as e:
            row.update(rcnn4j=None, err=None, agree=False, note=f"rcnn4j failed: {e}")
        row["tv"] = tv_ms
        rows.append(row)
        print(f"[{case.name}] torchvision {tv_ms:.3f} ms, rcnn4j "
              f"{'-' if row['rcnn4j'] is None else '%.3f ms' % row['rcnn4j']} {row['note']}", file=sys.stderr)
        for f in (in_path, out_path):
            if f and os.path.exists(f):
                os.remove(f)

    write_table(rows, device, args, load_before)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def write_table(rows, device, args, load_before):
    date = datetime.date.today().isoformat()
    if device == "cuda":
        gpu = re.sub(r"[^A-Za-z0-9]+", "-", torch.cuda.get_device_name(0)).strip("-")
        name = f"gpu-{date}-{gpu}.md"
        title = f"rcnn4j vs torchvision on {torch.cuda.get_device_name(0)} ({date})"
    else:
        name = f"cpu-{date}.md"
        title = f"rcnn4j vs torchvision on the CPU, {args.threads} threads each ({date})"
    lines = [f"# {title}", "", *machine(device, args.threads, load_before),
             "- times: median ms of repeated runs after a warm-up"
             + (f", best of {args.rounds} alternating rounds" if args.rounds > 1 else "")
             + "; torchvision timed in Python "
             + ("with CUDA events" if device == "cuda" else "with time.perf_counter")
             + ", rcnn4j by `rcnn4j op ... --repeat N` ("
             + ("CUDA events" if device == "cuda" else "System.nanoTime") + "; JVM start-up not counted)",
             "- ratio = torchvision ms / rcnn4j ms (above 1: rcnn4j is faster); agree = max relative error of "
             "rcnn4j's outputs against torchvision's (0 = identical)" + (" (quick sizes)" if args.quick else ""),
             "", "| op | sizes | torchvision ms | rcnn4j ms | ratio | target | met | agree |",
             "|---|---|---:|---:|---:|---:|:---:|---:|"]
    for r in rows:
        if r["rcnn4j"] is None:
            ratio, met, agree, ms = "-", "no", r["note"], "-"
        else:
            ratio_v = r["tv"] / r["rcnn4j"] if r["rcnn4j"] > 0 else math.inf
            ratio = f"{ratio_v:.2f}"
            met = "-" if r["target"] is None else ("yes" if ratio_v >= r["target"] and r["agree"] else "no")
            agree = ("0" if r["err"] == 0 else f"{r['err']:.1e}") + ("" if r["agree"] else " (DISAGREE)")
            ms = f"{r['rcnn4j']:.3f}"
        target = "-" if r["target"] is None else f"≥ {r['target']:g}"
        lines.append(f"| {r['case']} | {r['sizes']} | {r['tv']:.3f} | {ms} | {ratio} | {target} | {met} | {agree} |")
    text = "\n".join(lines) + "\n"
    os.makedirs(args.results, exist_ok=True)
    path = os.path.join(args.results, name)
    with open(path, "w") as f:
        f.write(text)
    print(text)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
