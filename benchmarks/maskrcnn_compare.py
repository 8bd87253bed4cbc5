#!/usr/bin/python3
"""Times whole-model inference of maskrcnn_resnet50_fpn (random weights, eval) in torchvision and in rcnn4j on the
CPU (or, with --device cuda, on the GPU), on the same 800x1216 image, stage by stage, and optionally training steps
(--train-steps N: losses, backward and an SGD step on the image with three target objects, in train mode); writes
benchmarks/results/maskrcnn-cpu-<date>.md (maskrcnn-gpu-<date>-<gpu>.md on CUDA).

  /usr/bin/python3 benchmarks/maskrcnn_compare.py --device cuda --train-steps 3   # beside torchvision CUDA
  /usr/bin/python3 benchmarks/maskrcnn_compare.py --skip-torchvision --rcnn4j-device cuda-emu --height 64 \\
      --width 96 --min-size 64 --max-size 96 --warmup 0 --repeat 1 --train-steps 1   # a dry run on the emulator

  /usr/bin/python3 benchmarks/maskrcnn_compare.py                      # 2 threads each: 1 warm-up, 2 staged runs, 1 full call
  /usr/bin/python3 benchmarks/maskrcnn_compare.py --score-thresh 0.05  # torchvision's default threshold

Random-weight heads score every class near 1/91, below torchvision's 0.05 box_score_thresh, so with the default
neither side detects anything and the mask branch never runs. The default here is --score-thresh 0 on both sides:
each keeps its 100 best detections after NMS, and both run the mask branch and paste 100 masks; the detection
counts are reported. The image is 800x1216 (min side 800, long side under 1333, divisible by 32), so the
transform neither resizes nor pads it. rcnn4j runs `rcnn4j bench-detector` (the JVM start is not timed).
"""
import argparse
import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import torch
import torchvision
from torchvision.models.detection.roi_heads import maskrcnn_inference

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "java", "core", "src", "test", "fixtures"))
from safetensors_io import save  # noqa: E402
from compare_torchvision import machine, median  # noqa: E402

STAGES = ["transform", "backbone", "rpn", "box_heads", "box_postprocess", "mask_branch", "paste_masks"]


def clock(device):
    """time.perf_counter after the device's queued work (CUDA runs asynchronously)."""
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def torchvision_staged(model, image, device="cpu"):
    """model(images) taken apart as in GeneralizedRCNN/RoIHeads.forward (eval), timing each stage (ms)."""
    t = {}
    with torch.no_grad():
        t0 = clock(device)
        il, _ = model.transform([image])
        t1 = clock(device)
        features = model.backbone(il.tensors)
        t2 = clock(device)
        proposals, _ = model.rpn(il, features)
        t3 = clock(device)
        rh = model.roi_heads
        x = rh.box_head(rh.box_roi_pool(features, proposals, il.image_sizes))
        logits, regression = rh.box_predictor(x)
        t4 = clock(device)
        boxes, scores, labels = rh.postprocess_detections(logits, regression, proposals, il.image_sizes)
        t5 = clock(device)
        result = [{"boxes": boxes[0], "scores": scores[0], "labels": labels[0]}]
        if boxes[0].shape[0] > 0:
            m = rh.mask_predictor(rh.mask_head(rh.mask_roi_pool(features, boxes, il.image_sizes)))
            result[0]["masks"] = maskrcnn_inference(m, labels)[0]
        t6 = clock(device)
        model.transform.postprocess(result, il.image_sizes, [tuple(image.shape[-2:])])
        t7 = clock(device)
    for name, a, b in zip(STAGES, [t0, t1, t2, t3, t4, t5, t6], [t1, t2, t3, t4, t5, t6, t7]):
        t[name] = (b - a) * 1e3
    t["staged_total"] = (t7 - t0) * 1e3
    return t, boxes[0].shape[0]


def targets(h, w, device):
    """The three target objects rcnn4j bench-detector --train-steps trains on (same boxes, labels, masks)."""
    boxes, masks = [], torch.zeros(3, h, w, dtype=torch.uint8)
    for g in range(3):
        x1, y1 = w * (1 + 3 * g) // 12, h * (1 + 2 * g) // 10
        x2, y2 = x1 + w // 4, y1 + h // 3
        boxes.append([x1, y1, x2, y2])
        masks[g, y1:y2, x1:x2] = 1
    return [{"boxes": torch.tensor(boxes, dtype=torch.float32, device=device),
             "labels": torch.tensor([1, 18, 62], device=device), "masks": masks.to(device)}]


def torchvision_train_steps(model, image, steps, device):
    """One untimed, then `steps` timed training steps (losses, backward, SGD as rcnn4j's); their times (ms)."""
    model.train()
    h, w = image.shape[-2:]
    target = targets(h, w, device)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.001, momentum=0.9,
                          weight_decay=1e-4)
    times = []
    for k in range(-1, steps):
        t0 = clock(device)
        loss = sum(model([image], target).values())
        loss.backward()
        opt.step()
        opt.zero_grad()
        t1 = clock(device)
        print(f"torchvision train step {k}: loss {loss.item():.4f}, {(t1 - t0) * 1e3:.0f} ms", flush=True)
        if k >= 0:
            times.append((t1 - t0) * 1e3)
    model.eval()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--score-thresh", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rcnn4j-cmd", default=os.path.join(ROOT, "rcnn4j"))
    ap.add_argument("--java-opts", default="-Xmx8g")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--skip-torchvision", action="store_true", help="time rcnn4j only")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="torchvision's device (and rcnn4j's)")
    ap.add_argument("--rcnn4j-device", default=None, help="rcnn4j's backend if not --device (e.g. cuda-emu)")
    ap.add_argument("--train-steps", type=int, default=0, help="then time this many training steps on each side")
    ap.add_argument("--height", type=int, default=800)
    ap.add_argument("--width", type=int, default=1216)
    ap.add_argument("--min-size", type=int, default=800, help="the transform's min_size on both sides")
    ap.add_argument("--max-size", type=int, default=1333, help="the transform's max_size on both sides")
    args = ap.parse_args()

    device = args.device
    if device == "cuda" and not args.skip_torchvision and not torch.cuda.is_available():
        sys.exit("maskrcnn_compare: --device cuda, but torch sees no CUDA device")
    rcnn4j_device = args.rcnn4j_device or device
    cpus = sorted(os.sched_getaffinity(0))[:args.threads]
    if device == "cpu":
        torch.set_num_threads(args.threads)
        os.sched_setaffinity(0, cpus)
    load_before = os.getloadavg()[0]

    g = torch.Generator().manual_seed(args.seed)
    image = torch.rand(3, args.height, args.width, generator=g)
    work = tempfile.mkdtemp(prefix="rcnn4j-maskrcnn-")
    in_path = os.path.join(work, "image.safetensors")
    save(in_path, {"image": image.contiguous()})

    tv = {}
    tv_count = None
    if not args.skip_torchvision:
        torch.manual_seed(args.seed)
        model = torchvision.models.detection.maskrcnn_resnet50_fpn(
            weights=None, weights_backbone=None, box_score_thresh=args.score_thresh, min_size=args.min_size,
            max_size=args.max_size).eval().to(device)
        tv_image = image.to(device)
        with torch.no_grad():
            for i in range(args.warmup):
                t0 = clock(device)
                out = model([tv_image])
                print(f"torchvision warm-up {i}: {(clock(device) - t0) * 1e3:.0f} ms, "
                      f"{out[0]['boxes'].shape[0]} detections", flush=True)
        runs = []
        for i in range(args.repeat):
            t, tv_count = torchvision_staged(model, tv_image, device)
            print(f"torchvision run {i}: " + ", ".join(f"{k} {v:.0f}" for k, v in t.items())
                  + f"; detections {tv_count}", flush=True)
            runs.append(t)
        tv = {k: median([r[k] for r in runs]) for k in runs[0]}
        with torch.no_grad():
            t0 = clock(device)
            out = model([tv_image])
            tv["detect_total"] = (clock(device) - t0) * 1e3
        if out[0]["boxes"].shape[0] != tv_count:
            sys.exit(f"torchvision: staged run found {tv_count} detections, model() {out[0]['boxes'].shape[0]}")
        if args.train_steps > 0:
            tv["train_step"] = median(torchvision_train_steps(model, tv_image, args.train_steps, device))

    cmd = shlex.split(args.rcnn4j_cmd)
    env = dict(os.environ)
    java_opts = [args.java_opts, "--add-modules=jdk.incubator.vector"]
    if rcnn4j_device == "cpu":
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
        # rcnn4j runs on the common pool plus the calling thread (and oneDNN on as many OpenMP threads):
        # parallelism threads-1 makes `threads` in all, as compare_torchvision.py does
        java_opts.append(f"-Djava.util.concurrent.ForkJoinPool.common.parallelism={max(1, args.threads - 1)}")
        env.setdefault("RCNN4J_SKIP_NATIVE", "1")
    env["JDK_JAVA_OPTIONS"] = " ".join(java_opts)
    p = subprocess.run(cmd + ["bench-detector", "--in", in_path, "--seed", str(args.seed), "--warmup",
                              str(args.warmup), "--repeat", str(args.repeat), "--score-thresh",
                              str(args.score_thresh), "--device", rcnn4j_device, "--train-steps",
                              str(args.train_steps), "--min-size", str(args.min_size), "--max-size",
                              str(args.max_size)],
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print(p.stdout, end="")
    if p.returncode != 0:
        sys.exit("rcnn4j bench-detector failed: " + p.stderr.strip())
    ours = {k: float(v) for k, v in re.findall(r"^time (\w+) ([0-9.]+)$", p.stdout, re.M)}
    our_count = int(re.search(r"^detections (\d+)$", p.stdout, re.M).group(1))

    rows = ["| stage | torchvision ms | rcnn4j ms | rcnn4j / torchvision |", "|---|---:|---:|---:|"]
    for k in STAGES + ["staged_total", "detect_total"] + (["train_step"] if args.train_steps > 0 else []):
        a, b = tv.get(k), ours.get(k)
        ratio = f"{b / a:.2f}" if a and b is not None and a > 0 else "-"
        rows.append(f"| {k} | {'-' if a is None else f'{a:.0f}'} | {'-' if b is None else f'{b:.0f}'} | {ratio} |")
    rows.append(f"| detections | {tv_count if tv_count is not None else '-'} | {our_count} | |")
    total_ratio = ours["detect_total"] / tv["detect_total"] if tv else None
    summary = (f"maskrcnn_resnet50_fpn inference, 1 image 3x{args.height}x{args.width}, random weights (seed "
               f"{args.seed}), eval, box_score_thresh {args.score_thresh}, {args.warmup} warm-up call(s), stages: "
               f"median of {args.repeat} runs, detect_total: one full call after them"
               + (f"; train_step: median of {args.train_steps} training steps (losses, backward, SGD) after an "
                  f"untimed one" if args.train_steps > 0 else "")
               + f"; torchvision on {device}, rcnn4j on {rcnn4j_device}")
    blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    notes = [f"- torch BLAS (nn.Linear): {blas.group(1) if blas else 'unknown'}"
             + (" (a reference BLAS: torch's Linear layers are slow here)" if blas and blas.group(1) == "generic"
                else "")]
    where = "the CPU" if device == "cpu" else (torch.cuda.get_device_name(0) if torch.cuda.is_available()
                                               else rcnn4j_device)
    text = "\n".join([f"# Mask R-CNN R50-FPN on {where} ({datetime.date.today().isoformat()})", "",
                      summary, ""] + machine(device if torch.cuda.is_available() or device == "cpu" else "cpu",
                                             args.threads, load_before) + notes + ["", *rows, ""])
    if total_ratio is not None:
        text += f"\nrcnn4j detect() takes {total_ratio:.2f}x torchvision's time (target: within 3x).\n"
    print(text)
    os.makedirs(args.results, exist_ok=True)
    if device == "cpu":
        name = f"maskrcnn-cpu-{datetime.date.today().isoformat()}.md"
    else:
        gpu = re.sub(r"[^A-Za-z0-9]+", "-", where).strip("-")
        name = f"maskrcnn-gpu-{datetime.date.today().isoformat()}-{gpu}.md"
    out = os.path.join(args.results, name)
    with open(out, "w") as f:
        f.write(text)
    print("wrote", out)


if __name__ == "__main__":
    main()
