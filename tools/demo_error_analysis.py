#!/usr/bin/env python3
"""Where the demo's box AP50 goes: naming, missing, or false positives on the background.

Reads the held-out scenes' ground truth (a COCO annotations.json from `rcnn4j scenes`) and the detections the
demo evaluated (demo-output/eval/results.json), and prints:
  - how many items have some detection at IoU >= 0.5, and how often the best-scored one names the class right,
    per class and by the box's longer side (below 35 px, 35..55, 55 and above);
  - the most frequent confusions (true class -> named class);
  - box AP50 as COCOeval computes it (rcnn4j's own, through `rcnn4j eval`), and again under two oracles: every
    detection that overlaps an item at IoU >= 0.5 takes that item's class ("right names"), and every detection
    that overlaps no item at 0.5 is dropped ("no background").
The gap between AP50 and each oracle is what perfect naming, or no false positives off the items, would add.

The demo's held-out scenes for --seed S are `rcnn4j scenes --split test --count 200 --seed (S + 1000003)`:

    ./rcnn4j demo --out demo-output
    ./rcnn4j scenes --split test --count 200 --seed 1000003 --out held-out
    python3 tools/demo_error_analysis.py held-out/annotations.json demo-output/eval/results.json

Standard library only; it runs the checkout's ./rcnn4j launcher for the AP50s.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def best_item(items, det):
    """The item the detection overlaps most and that overlap (None, 0 where there are no items)."""
    best, best_iou = None, 0.0
    for a in items:
        v = iou(a["bbox"], det["bbox"])
        if v > best_iou:
            best, best_iou = a, v
    return best, best_iou


def coco_ap50(annotations, results):
    """Box AP50 of results (a COCO results list) by rcnn4j's own COCOeval (`rcnn4j eval`, pycocotools' numbers)."""
    launcher = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rcnn4j")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "results.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(results, f)
        run = subprocess.run([launcher, "eval", "--gt", annotations, "--results", path],
                             capture_output=True, text=True)
    for line in run.stdout.splitlines():
        if "IoU=0.50 " in line and "area=   all" in line:
            return float(line.rsplit("=", 1)[1])
    sys.exit("rcnn4j eval failed (exit %d): %s" % (run.returncode, (run.stderr or run.stdout).strip()))


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("%s: cannot read %s as JSON: %s" % (what, path, e))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("annotations", help="COCO annotations.json of the held-out scenes (rcnn4j scenes)")
    p.add_argument("results", help="the demo's eval/results.json")
    a = p.parse_args()
    gt = read_json(a.annotations, "annotations")
    results = read_json(a.results, "results")
    if not isinstance(gt, dict) or not {"images", "annotations", "categories"} <= gt.keys():
        sys.exit("annotations: %s is not a COCO instances file (images, annotations, categories)" % a.annotations)
    if not isinstance(results, list):
        sys.exit("results: %s is not a COCO results list" % a.results)
    names = {c["id"]: c["name"] for c in gt["categories"]}
    items = collections.defaultdict(list)
    for ann in gt["annotations"]:
        items[ann["image_id"]].append(ann)
    image_ids = {im["id"] for im in gt["images"]}
    dets = collections.defaultdict(list)
    for d in results:
        if d["image_id"] not in image_ids:
            sys.exit("results.json names image %r, which the annotations do not hold: other scenes?"
                     % d["image_id"])
        dets[d["image_id"]].append(d)

    # by the box's longer side within each class: a box's area says as much about the garment's shape (Coats are
    # wide, Trousers narrow) as about its scale, so sizes are compared class by class
    sides = ("< 35 px", "35..55", ">= 55")
    table = collections.defaultdict(lambda: [[0, 0] for _ in sides])
    confusions = collections.Counter()
    missed = 0
    for img, its in items.items():
        for it in its:
            longer = max(it["bbox"][2], it["bbox"][3])
            cell = table[it["category_id"]][0 if longer < 35 else 1 if longer < 55 else 2]
            cell[0] += 1
            hits = [d for d in dets[img] if iou(d["bbox"], it["bbox"]) >= 0.5]
            if not hits:
                missed += 1
                continue
            top = max(hits, key=lambda d: d["score"])
            if top["category_id"] == it["category_id"]:
                cell[1] += 1
            else:
                confusions[(names[it["category_id"]], names[top["category_id"]])] += 1
    n = sum(c[0] for row in table.values() for c in row)
    if n == 0:
        sys.exit("annotations: %s holds no items" % a.annotations)
    right = sum(c[1] for row in table.values() for c in row)
    print("%d items; the best-scored detection at IoU >= 0.5 names %.1f%% right; %d have none"
          % (n, 100.0 * right / n, missed))
    print("named right by the box's longer side:  %-14s %-14s %-14s" % sides)
    for c in sorted(table):
        print("  %-12s" % names[c] + "".join(
            "%-15s" % ("%3.0f%% of %d" % (100.0 * r / k, k) if k else "-") for k, r in table[c]))
    print("most frequent confusions (true -> named): " + ", ".join(
        "%s -> %s %d" % (t, n2, c) for (t, n2), c in confusions.most_common(6)))

    right_names = []
    no_background = []
    for d in results:
        it, v = best_item(items.get(d["image_id"], []), d)
        if v >= 0.5:
            right_names.append(dict(d, category_id=it["category_id"]))
            no_background.append(d)
        else:
            right_names.append(d)
    print("box AP50 %.3f; with right names %.3f; with no detections off the items %.3f"
          % (coco_ap50(a.annotations, results), coco_ap50(a.annotations, right_names),
             coco_ap50(a.annotations, no_background)))

if __name__ == "__main__":
    main()
