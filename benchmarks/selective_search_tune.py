#!/usr/bin/python3
"""Selective search: choosing the diverse ranking's threshold (SelectiveSearch.DEMOTE_IOU) on tuning scenes.

The `diverse` ranking walks the paper's ranking and moves each box whose IoU with an already kept box is above a
threshold behind the kept ones. This script measures recall at IoU 0.5 and 0.7 of the top 100 / 500 / 1000 /
2000 proposals for a range of thresholds, on scenes the comparison with OpenCV (selective_search_compare.py,
seeds 1000..) does not use:

  - synthetic scenes from the same generator with seeds 2000.. (--synthetic N, default 40);
  - Fashion-MNIST scenes from `./rcnn4j scenes` (--fashion N at 256x256, test split, seed 7; default 30).

rcnn4j runs once per mode with `--ranking paper`; the demotion is replayed here for each threshold (`demote`,
the same rule as NearDuplicates.java), and checked against `--ranking diverse` at the built-in threshold on the
first 3 scenes of each set, so the sweep measures what the Java code does. The threshold with the highest mean recall over all scene sets, modes,
N and both IoUs is the one to build in. Writes benchmarks/results/selective-search-tune-<date>.md.

  /usr/bin/python3 benchmarks/selective_search_tune.py                      # ~15 min on 2 CPUs
  /usr/bin/python3 benchmarks/selective_search_tune.py --synthetic 6 --fashion 0 --modes fast
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from selective_search_compare import HERE, ROOT, TOPS, recall_table, run_rcnn4j, scene, write_results

BUILT_IN = 0.65  # SelectiveSearch.DEMOTE_IOU; the check below fails if the Java code disagrees


def iou_with(box, kept):
    """IoU of one box with each row of kept, as CornerGrid.iou computes it (exact in float64 for pixel boxes)."""
    iw = np.clip(np.minimum(box[2], kept[:, 2]) - np.maximum(box[0], kept[:, 0]), 0, None)
    ih = np.clip(np.minimum(box[3], kept[:, 3]) - np.maximum(box[1], kept[:, 1]), 0, None)
    inter = iw * ih
    union = (box[2] - box[0]) * (box[3] - box[1]) + (kept[:, 2] - kept[:, 0]) * (kept[:, 3] - kept[:, 1]) - inter
    return inter / union


def demote(ranked, threshold, need):
    """The first `need` boxes of NearDuplicates.demote(ranked, threshold): kept boxes, then deferred ones."""
    kept = np.empty((len(ranked), 4))
    n_kept = 0
    deferred = []
    for i, box in enumerate(ranked):
        if n_kept >= need:  # the prefix is complete; what follows cannot move into it
            break
        if n_kept and iou_with(box, kept[:n_kept]).max() > threshold:
            deferred.append(i)
        else:
            kept[n_kept] = box
            n_kept += 1
    rest = ranked[deferred] if deferred else np.empty((0, 4))
    return np.concatenate([kept[:n_kept], rest])[:need]


def synthetic_set(count, work):
    paths, gts = [], []
    from PIL import Image
    for seed in range(2000, 2000 + count):
        img, gt = scene(seed)
        p = os.path.join(work, f"synthetic{seed}.png")
        Image.fromarray(img).save(p)
        paths.append(p)
        gts.append(gt)
    return paths, gts


def fashion_set(count, work):
    out = os.path.join(work, "fashion")
    cmd = [os.path.join(ROOT, "rcnn4j"), "scenes", "--count", str(count), "--size", "256", "--split", "test",
           "--seed", "7", "--out", out]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    with open(os.path.join(out, "annotations.json")) as f:
        coco = json.load(f)
    paths = [os.path.join(out, im["file_name"]) for im in coco["images"]]
    gts = []
    for im in coco["images"]:
        b = [a["bbox"] for a in coco["annotations"] if a["image_id"] == im["id"]]
        gts.append(np.array([[x, y, x + w, y + h] for x, y, w, h in b], np.float64).reshape(-1, 4))
    return paths, gts


def cells(table):
    return [table[t][k] for t in TOPS for k in (0, 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", type=int, default=40)
    ap.add_argument("--fashion", type=int, default=30)
    ap.add_argument("--modes", default="fast,quality")
    ap.add_argument("--thresholds", default="0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    need = max(TOPS)

    lines = []
    means = {t: [] for t in thresholds}
    with tempfile.TemporaryDirectory() as work:
        sets = []
        if args.synthetic:
            sets.append((f"synthetic (seeds 2000..{1999 + args.synthetic})", *synthetic_set(args.synthetic, work)))
        if args.fashion:
            sets.append((f"Fashion-MNIST scenes 256x256 ({args.fashion}, test split, seed 7)",
                         *fashion_set(args.fashion, work)))
        for name, paths, gts in sets:
            for mode in args.modes.split(","):
                paper, _ = run_rcnn4j(paths, mode, args.threads, work, "paper")
                checked = paths[:3]  # enough to catch a disagreement, without a second full run
                diverse, _ = run_rcnn4j(checked, mode, args.threads, work, "diverse")
                for p, d in zip(paper, diverse):
                    if not np.array_equal(demote(p, BUILT_IN, need), d[:need]):
                        sys.exit(f"the replayed demotion at {BUILT_IN} differs from --ranking diverse")
                lines += ["", f"{name}, {sum(len(g) for g in gts)} ground-truth boxes, mode {mode}:", "",
                          "| ranking | " + " | ".join(f"R@0.5 / R@0.7 top {t}" for t in TOPS) + " | mean |",
                          "|" + "---|" * (len(TOPS) + 2)]
                rows = [("paper", recall_table(gts, paper))]
                for t in thresholds:
                    table = recall_table(gts, [demote(p, t, need) for p in paper])
                    rows.append((f"diverse, IoU > {t:g} demoted", table))
                    means[t] += cells(table)
                for label, table in rows:
                    lines.append(f"| {label} | " + " | ".join(f"{table[t][0]:.3f} / {table[t][1]:.3f}" for t in TOPS)
                                 + f" | {np.mean(cells(table)):.4f} |")
                print("\n".join(lines[-len(rows) - 4:]), flush=True)

    overall = {t: float(np.mean(v)) for t, v in means.items()}
    best = max(thresholds, key=lambda t: overall[t])
    date = datetime.date.today().isoformat()
    text = "\n".join([f"# Selective search: the diverse ranking's threshold ({date})", "",
                      "Recall of ground-truth boxes by the top N proposals of rcnn4j's paper ranking, and of that "
                      "ranking with boxes overlapping a better-ranked kept box above the threshold moved behind the "
                      "kept ones; on scenes the OpenCV comparison does not use.", *lines, "",
                      "Mean recall over all sets, modes, N and both IoUs:", ""]
                     + [f"- {t:g}: {overall[t]:.4f}" + (" (best)" if t == best else "") for t in thresholds]) + "\n"
    write_results(args.results, f"selective-search-tune-{date}.md", text)


if __name__ == "__main__":
    main()
