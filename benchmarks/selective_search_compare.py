#!/usr/bin/python3
"""Selective search: recall of ground-truth boxes and time per image, rcnn4j against OpenCV (cv2.ximgproc).

Generates deterministic synthetic scenes (textured rectangles and ellipses, not overlapping, on a textured
background; the ground truth is each object's box), runs `./rcnn4j proposals --mode fast|quality` on all of them
and OpenCV's SelectiveSearchSegmentation (switchToSelectiveSearchFast / Quality), and measures, for the top N
proposals of each, the fraction of ground-truth boxes matched at IoU >= 0.5 and >= 0.7, plus the time per image.
Writes benchmarks/results/selective-search-<date>.md.

  /usr/bin/python3 benchmarks/selective_search_compare.py                 # 6 scenes, 500x375, both modes
  /usr/bin/python3 benchmarks/selective_search_compare.py --images 3 --modes fast

Timing: rcnn4j's own per-image timer (the `proposals` summary line; the JVM start is excluded and the first
image is run twice so JIT warm-up is not counted), OpenCV's process() wall time; both with the same thread count
(--threads, default 2). Boxes are compared as x1, y1, x2, y2 with x2, y2 exclusive (OpenCV's x+w, y+h).
Needs numpy and OpenCV with the contrib module ximgproc (Debian: python3-opencv).
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOPS = [100, 500, 1000, 2000]


# ---- scenes ----------------------------------------------------------------------------------------------------

def texture(rng, h, w, base):
    """A colour with smooth blotches, stripes at a random angle and pixel noise."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, np.pi)
    period = rng.uniform(4, 16)
    stripes = np.sin((xx * np.cos(ang) + yy * np.sin(ang)) * 2 * np.pi / period)
    blot = rng.normal(0, 1, (h // 16 + 2, w // 16 + 2)).astype(np.float32)
    blot = np.kron(blot, np.ones((16, 16), np.float32))[:h, :w]
    amp_s, amp_b, amp_n = rng.uniform(5, 30), rng.uniform(0, 15), rng.uniform(3, 12)
    img = np.empty((h, w, 3), np.float32)
    for c in range(3):
        img[..., c] = base[c] + amp_s * stripes + amp_b * blot + rng.normal(0, amp_n, (h, w))
    return img


def scene(seed, h=375, w=500):
    """Background: one texture plus large overlapping distractor patches (not objects). Objects: 4 to 10 textured
    rectangles or ellipses, not overlapping each other; about a third with a colour close to what lies under it."""
    rng = np.random.default_rng(seed)
    bg_base = rng.uniform(40, 215, 3)
    img = texture(rng, h, w, bg_base)
    for _ in range(int(rng.integers(3, 8))):
        pw, ph = int(rng.uniform(0.2, 0.7) * w), int(rng.uniform(0.2, 0.7) * h)
        x1, y1 = int(rng.integers(0, w - pw)), int(rng.integers(0, h - ph))
        img[y1:y1 + ph, x1:x1 + pw] = texture(rng, ph, pw, rng.uniform(30, 225, 3))
    occupied = np.zeros((h, w), bool)
    boxes = []
    want = int(rng.integers(4, 11))
    for _ in range(400):
        if len(boxes) >= want:
            break
        bw, bh = int(rng.uniform(0.06, 0.4) * w), int(rng.uniform(0.06, 0.4) * h)
        x1, y1 = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
        if occupied[max(0, y1 - 4):y1 + bh + 4, max(0, x1 - 4):x1 + bw + 4].any():
            continue
        if rng.random() < 0.5:
            mask = np.ones((bh, bw), bool)
        else:
            yy, xx = np.mgrid[0:bh, 0:bw]
            mask = ((xx + 0.5 - bw / 2) / (bw / 2)) ** 2 + ((yy + 0.5 - bh / 2) / (bh / 2)) ** 2 <= 1
        region = img[y1:y1 + bh, x1:x1 + bw]
        if rng.random() < 0.35:  # low contrast: near the mean colour beneath
            base = np.clip(region.reshape(-1, 3).mean(axis=0) + rng.uniform(-30, 30, 3), 0, 255)
        else:
            base = rng.uniform(20, 235, 3)
        obj = texture(rng, bh, bw, base)
        region[mask] = obj[mask]
        occupied[y1:y1 + bh, x1:x1 + bw] = True
        ys, xs = np.nonzero(mask)
        boxes.append([x1 + xs.min(), y1 + ys.min(), x1 + xs.max() + 1, y1 + ys.max() + 1])
    return np.clip(img, 0, 255).astype(np.uint8), np.array(boxes, np.float64)


# ---- metrics ---------------------------------------------------------------------------------------------------

def best_iou(gt, props):
    """For each ground-truth box, the best IoU over the proposals."""
    if len(props) == 0:
        return np.zeros(len(gt))
    p = np.asarray(props, np.float64)
    ix1 = np.maximum(gt[:, None, 0], p[None, :, 0])
    iy1 = np.maximum(gt[:, None, 1], p[None, :, 1])
    ix2 = np.minimum(gt[:, None, 2], p[None, :, 2])
    iy2 = np.minimum(gt[:, None, 3], p[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    ag = (gt[:, 2] - gt[:, 0]) * (gt[:, 3] - gt[:, 1])
    ap = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
    return (inter / (ag[:, None] + ap[None, :] - inter)).max(axis=1)


def recall_table(gts, props_per_image):
    """{top: (recall@0.5, recall@0.7, mean proposals used)} over all images."""
    out = {}
    for top in TOPS + [None]:
        ious, used = [], []
        for gt, props in zip(gts, props_per_image):
            sel = props if top is None else props[:top]
            used.append(len(sel))
            ious.append(best_iou(gt, sel))
        ious = np.concatenate(ious)
        out[top] = ((ious >= 0.5).mean(), (ious >= 0.7).mean(), float(np.mean(used)))
    return out


# ---- runners ---------------------------------------------------------------------------------------------------

def run_rcnn4j(paths, mode, threads, work, ranking="diverse"):
    out = os.path.join(work, f"rcnn4j-{mode}-{ranking}.json")
    env = dict(os.environ, RCNN4J_SKIP_NATIVE=os.environ.get("RCNN4J_SKIP_NATIVE", "1"))
    opts = env.get("RCNN4J_JAVA_OPTS", "-Xmx4g")
    env["RCNN4J_JAVA_OPTS"] = f"{opts} -Djava.util.concurrent.ForkJoinPool.common.parallelism={max(1, threads - 1)}"
    cmd = [os.path.join(ROOT, "rcnn4j"), "proposals", paths[0]] + paths + ["--mode", mode, "--ranking", ranking, "--out", out]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"rcnn4j failed ({r.returncode}): {r.stderr.strip()}")
    times = [float(m) for m in re.findall(r", ([0-9.]+) ms$", r.stdout, re.M)]
    if len(times) != len(paths) + 1:
        sys.exit(f"unexpected rcnn4j output: {r.stdout}")
    with open(out) as f:
        images = json.load(f)["images"][1:]
    return [np.array(i["proposals"], np.float64).reshape(-1, 4) for i in images], times[1:]


def run_opencv(images, mode, threads):
    import cv2
    cv2.setNumThreads(threads)
    props, times = [], []
    for img in images:
        ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
        bgr = np.ascontiguousarray(img[..., ::-1])
        t0 = time.perf_counter()
        ss.setBaseImage(bgr)
        if mode == "fast":
            ss.switchToSelectiveSearchFast()
        else:
            ss.switchToSelectiveSearchQuality()
        rects = ss.process()
        times.append((time.perf_counter() - t0) * 1e3)
        r = np.asarray(rects, np.float64).reshape(-1, 4)
        props.append(np.stack([r[:, 0], r[:, 1], r[:, 0] + r[:, 2], r[:, 1] + r[:, 3]], axis=1))
    return props, times


# ---- report ----------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=6)
    ap.add_argument("--modes", default="fast,quality")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-opencv", action="store_true")
    ap.add_argument("--rankings", default="diverse",
                    help="rcnn4j's --ranking values to run, comma-separated (diverse, paper, depth)")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    modes = args.modes.split(",")

    scenes = [scene(1000 + i) for i in range(args.images)]
    images = [s[0] for s in scenes]
    gts = [s[1] for s in scenes]
    have_cv = False
    if not args.no_opencv:
        try:
            import cv2
            have_cv = hasattr(cv2, "ximgproc")
        except ImportError:
            pass

    rows = []
    with tempfile.TemporaryDirectory() as work:
        from PIL import Image  # noqa: F401  (only to fail early with a clear message if missing)
        paths = []
        for i, img in enumerate(images):
            p = os.path.join(work, f"scene{i}.png")
            Image.fromarray(img).save(p)
            paths.append(p)
        for mode in modes:
            for ranking in args.rankings.split(","):
                props, times = run_rcnn4j(paths, mode, args.threads, work, ranking)
                name = "rcnn4j" if ranking == "diverse" else f"rcnn4j ({ranking} ranking)"
                rows.append((name, mode, recall_table(gts, props), times))
                print(f"{name} {mode}: {np.median(times):.0f} ms/image", flush=True)
            if have_cv:
                props, times = run_opencv(images, mode, args.threads)
                rows.append(("OpenCV", mode, recall_table(gts, props), times))
                print(f"OpenCV {mode}: {np.median(times):.0f} ms/image", flush=True)

    date = datetime.date.today().isoformat()
    lines = [f"# Selective search: rcnn4j vs OpenCV ({date})", "",
             f"{args.images} synthetic scenes 500x375 ({sum(len(g) for g in gts)} ground-truth boxes: textured "
             f"rectangles and ellipses, a third of them low-contrast, on a textured background with distractor patches), {args.threads} threads each; "
             f"machine: {platform.machine()}, {os.cpu_count()} CPUs (shared; compare ratios, not absolute times).",
             ""]
    if not have_cv:
        lines += ["OpenCV's ximgproc is not available here: rcnn4j only.", ""]
    else:
        import cv2
        lines += [f"OpenCV {cv2.__version__} (cv2.ximgproc.segmentation, default parameters).", ""]
    head = "| impl | mode | " + " | ".join(f"R@0.5 / R@0.7 top {t}" for t in TOPS) + \
        " | all: R@0.5 / R@0.7 (mean #) | ms/image (median) |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for impl, mode, rec, times in rows:
        cells = [f"{rec[t][0]:.3f} / {rec[t][1]:.3f}" for t in TOPS]
        a = rec[None]
        cells.append(f"{a[0]:.3f} / {a[1]:.3f} ({a[2]:.0f})")
        cells.append(f"{np.median(times):.0f}")
        lines.append(f"| {impl} | {mode} | " + " | ".join(cells) + " |")
    if have_cv:
        lines += ["", "Time ratio (OpenCV ms / rcnn4j ms; above 1 rcnn4j is faster):", ""]
        for mode in modes:
            t = {impl: np.median(tm) for impl, md, _, tm in rows if md == mode}
            lines.append(f"- {mode}: {t['OpenCV'] / t['rcnn4j']:.2f}")
    write_results(args.results, f"selective-search-{date}.md", "\n".join(lines) + "\n")


def write_results(folder, name, text):
    """Writes a results file (replacing one of the same name) and shows it."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    print(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
