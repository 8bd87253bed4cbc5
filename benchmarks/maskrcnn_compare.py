#!/usr/bin/python3
"""Times whole-model inference of maskrcnn_resnet50_fpn (random weights, eval) in torchvision and in rcnn4j on the
CPU, on the same 800x1216 image, stage by stage, and writes benchmarks/results/maskrcnn-cpu-<date>.md.

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


def torchvision_staged(model, image):
    """model(images) taken apart as in GeneralizedRCNN/RoIHeads.forward (eval), timing each stage (ms)."""
    t = {}
    with torch.no_grad():
        t0 = time.perf_counter()
        il, _ = model.transform([image])
        t1 = time.perf_counter()
        features = model.backbone(il.tensors)
        t2 = time.perf_counter()
        proposals, _ = model.rpn(il, features)
        t3 = time.perf_counter()
        rh = model.roi_heads
        x = rh.box_head(rh.box_roi_pool(features, proposals, il.image_sizes))
        logits, regression = rh.box_predictor(x)
        t4 = time.perf_counter()
        boxes, scores, labels = rh.postprocess_detections(logits, regression, proposals, il.image_sizes)
        t5 = time.perf_counter()
        result = [{"boxes": boxes[0], "scores": scores[0], "labels": labels[0]}]
        if boxes[0].shape[0] > 0:
            m = rh.mask_predictor(rh.mask_head(rh.mask_roi_pool(features, boxes, il.image_sizes)))
            result[0]["masks"] = maskrcnn_inference(m, labels)[0]
        t6 = time.perf_counter()
        model.transform.postprocess(result, il.image_sizes, [tuple(image.shape[-2:])])
        t7 = time.perf_counter()
    for name, a, b in zip(STAGES, [t0, t1, t2, t3, t4, t5, t6], [t1, t2, t3, t4, t5, t6, t7]):
        t[name] = (b - a) * 1e3
    t["staged_total"] = (t7 - t0) * 1e3
    return t, boxes[0].shape[0]


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
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    cpus = sorted(os.sched_getaffinity(0))[:args.threads]
    os.sched_setaffinity(0, cpus)
    load_before = os.getloadavg()[0]

    g = torch.Generator().manual_seed(args.seed)
    image = torch.rand(3, 800, 1216, generator=g)
    work = tempfile.mkdtemp(prefix="rcnn4j-maskrcnn-")
    in_path = os.path.join(work, "image.safetensors")
    save(in_path, {"image": image.contiguous()})

    tv = {}
    tv_count = None
    if not args.skip_torchvision:
        torch.manual_seed(args.seed)
        model = torchvision.models.detection.maskrcnn_resnet50_fpn(
            weights=None, weights_backbone=None, box_score_thresh=args.score_thresh).eval()
        with torch.no_grad():
            for i in range(args.warmup):
                t0 = time.perf_counter()
                out = model([image])
                print(f"torchvision warm-up {i}: {(time.perf_counter() - t0) * 1e3:.0f} ms, "
                      f"{out[0]['boxes'].shape[0]} detections", flush=True)
        runs = []
        for i in range(args.repeat):
            t, tv_count = torchvision_staged(model, image)
            print(f"torchvision run {i}: " + ", ".join(f"{k} {v:.0f}" for k, v in t.items())
                  + f"; detections {tv_count}", flush=True)
            runs.append(t)
        tv = {k: median([r[k] for r in runs]) for k in runs[0]}
        with torch.no_grad():
            t0 = time.perf_counter()
            out = model([image])
            tv["detect_total"] = (time.perf_counter() - t0) * 1e3
        if out[0]["boxes"].shape[0] != tv_count:
            sys.exit(f"torchvision: staged run found {tv_count} detections, model() {out[0]['boxes'].shape[0]}")

    cmd = shlex.split(args.rcnn4j_cmd)
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
    env = dict(os.environ)
    env["JDK_JAVA_OPTIONS"] = " ".join([args.java_opts, "--add-modules=jdk.incubator.vector",
                                        f"-Djava.util.concurrent.ForkJoinPool.common.parallelism={args.threads}"])
    env.setdefault("RCNN4J_SKIP_NATIVE", "1")
    p = subprocess.run(cmd + ["bench-detector", "--in", in_path, "--seed", str(args.seed), "--warmup",
                              str(args.warmup), "--repeat", str(args.repeat), "--score-thresh",
                              str(args.score_thresh)],
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print(p.stdout, end="")
    if p.returncode != 0:
        sys.exit("rcnn4j bench-detector failed: " + p.stderr.strip())
    ours = {k: float(v) for k, v in re.findall(r"^time (\w+) ([0-9.]+)$", p.stdout, re.M)}
    our_count = int(re.search(r"^detections (\d+)$", p.stdout, re.M).group(1))

    rows = ["| stage | torchvision ms | rcnn4j ms | rcnn4j / torchvision |", "|---|---:|---:|---:|"]
    for k in STAGES + ["staged_total", "detect_total"]:
        a, b = tv.get(k), ours.get(k)
        ratio = f"{b / a:.2f}" if a and b is not None and a > 0 else "-"
        rows.append(f"| {k} | {'-' if a is None else f'{a:.0f}'} | {'-' if b is None else f'{b:.0f}'} | {ratio} |")
    rows.append(f"| detections | {tv_count if tv_count is not None else '-'} | {our_count} | |")
    total_ratio = ours["detect_total"] / tv["detect_total"] if tv else None
    summary = (f"maskrcnn_resnet50_fpn inference, 1 image 3x800x1216, random weights (seed {args.seed}), eval, "
               f"box_score_thresh {args.score_thresh}, {args.warmup} warm-up call(s), stages: median of {args.repeat} runs, "
               f"detect_total: one full call after them")
    blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    notes = [f"- torch BLAS (nn.Linear): {blas.group(1) if blas else 'unknown'}"
             + (" (a reference BLAS: torch's Linear layers are slow here)" if blas and blas.group(1) == "generic"
                else "")]
    text = "\n".join([f"# Mask R-CNN R50-FPN inference on the CPU ({datetime.date.today().isoformat()})", "",
                      summary, ""] + machine("cpu", args.threads, load_before) + notes + ["", *rows, ""])
    if total_ratio is not None:
        text += f"\nrcnn4j detect() takes {total_ratio:.2f}x torchvision's time (target: within 3x).\n"
    print(text)
    os.makedirs(args.results, exist_ok=True)
    out = os.path.join(args.results, f"maskrcnn-cpu-{datetime.date.today().isoformat()}.md")
    with open(out, "w") as f:
        f.write(text)
    print("wrote", out)


if __name__ == "__main__":
    main()
