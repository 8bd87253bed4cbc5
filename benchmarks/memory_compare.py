#!/usr/bin/python3
"""Peak resident memory of one inference run, torchvision against rcnn4j, side by side: the same .pth (torchvision's
maskrcnn_resnet50_fpn / fasterrcnn_resnet50_fpn as built for the published COCO weights, filled with the seeded
random weights of the parity tests' generator, java/core/src/test/fixtures/gen_pretrained_parity.py), the same
photos (the parity tests' astronaut.png and coffee.png), the same default transform (800/1333: astronaut runs at
800x800, coffee at 800x1200, padded to 800x1216).

Each side runs in a process of its own, as a user runs it:
  torchvision: python3 loads the .pth into the model, reads the images and runs model([image]) under torch.no_grad()
               for each image in turn;
  rcnn4j:      RCNN4J_JAVA_OPTS=<--java-opts> ./rcnn4j detect IMAGE... --model NAME --weights FILE.pth --out DIR
               (which also writes the pictures and detections.json).
The peak resident set size of each process tree is what wait4() reports (ru_maxrss: the largest of the process and
its waited-for children; the launcher's bash is one of them), the same number /usr/bin/time -v prints as "Maximum
resident set size". The baselines are the same measure for a process that only starts: python3 importing torch and
torchvision, and the JVM running `rcnn4j --help` with the same options.

  /usr/bin/python3 benchmarks/memory_compare.py                    # both models, -Xmx768m; prints a markdown table
  /usr/bin/python3 benchmarks/memory_compare.py --models maskrcnn_resnet50_fpn --cases coffee
  /usr/bin/python3 benchmarks/memory_compare.py --cases --min-heap  # only the smallest -Xmx (64 MB steps) that runs

Cases: coffee (coffee.png), astronaut, both (astronaut.png then coffee.png in one process), coffee-2x (coffee.png
scaled 2x to 800x1200, written to the work folder: its masks are pasted at 800x1200). --min-heap bisects -Xmx for
rcnn4j detect on coffee-2x.png.

Options: --work DIR (where the .pth files are written, ~170 MB each, and kept for the next run), --java-opts,
--threads N (torch.set_num_threads and rcnn4j's ForkJoinPool common parallelism N-1; default: every CPU),
--rcnn4j PATH (the launcher; it is built first if stale, outside the measurement).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(ROOT, "java", "core", "src", "test", "fixtures")
PHOTOS = os.path.join(ROOT, "java", "core", "src", "test", "resources", "photos")
MODELS = ["maskrcnn_resnet50_fpn", "fasterrcnn_resnet50_fpn"]
# name -> photos run in one process, in this order; coffee-2x.png is coffee.png scaled 2x (nearest), an 800x1200
# photo: the transform keeps its size, and its 100 masks are pasted at 800x1200 (4x the pixels of coffee.png's)
CASES = {
    "coffee": ["coffee.png"],
    "astronaut": ["astronaut.png"],
    "both": ["astronaut.png", "coffee.png"],
    "coffee-2x": ["coffee-2x.png"],
}


def photo(name, work):
    """The path of a case's photo: the parity tests' own, or one made from them in the work folder."""
    if name != "coffee-2x.png":
        return os.path.join(PHOTOS, name)
    path = os.path.join(work, name)
    if not os.path.exists(path):
        import torch
        from torchvision.io import read_image, write_png
        img = read_image(os.path.join(PHOTOS, "coffee.png"))
        write_png(img.repeat_interleave(2, dim=1).repeat_interleave(2, dim=2).contiguous(), path)
    return path


def run_measured(cmd, env=None):
    """Runs cmd; returns (exit code, peak RSS of the process tree in bytes, seconds, stdout, stderr)."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return p.returncode, usage.ru_maxrss * 1024, seconds, out.read().decode(), err.read().decode()


def write_pth(model_name, path):
    """The parity generator's seeded weights for model_name, saved as torch.save writes a state_dict (zip)."""
    sys.path.insert(0, FIXTURES)
    import gen_pretrained_parity as gen  # noqa: E402
    import torch
    model = gen.build(model_name)
    model.load_state_dict(gen.weights(gen.recipe(model)))
    tmp = path + ".tmp"
    torch.save(model.state_dict(), tmp)
    os.replace(tmp, path)


def torch_child(model_name, pth, images, threads):
    """The torchvision side, in its own process: load, then one image at a time as a user would."""
    import torch
    import torchvision
    from torchvision.io import read_image
    from torchvision.models.detection import FasterRCNN, MaskRCNN
    from torchvision.models.detection._utils import overwrite_eps
    from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
    from torchvision.ops import FrozenBatchNorm2d
    torch.set_num_threads(threads)
    backbone = _resnet_fpn_extractor(torchvision.models.resnet50(weights=None, norm_layer=FrozenBatchNorm2d), 3)
    model = (MaskRCNN if model_name.startswith("maskrcnn") else FasterRCNN)(backbone, num_classes=91)
    overwrite_eps(model, 0.0)
    model.load_state_dict(torch.load(pth))
    model.eval()
    counts = []
    for path in images:
        x = read_image(path).float() / 255
        with torch.no_grad():
            out = model([x])[0]
        counts.append(int(out["scores"].shape[0]))
        del out
    print(json.dumps({"detections": counts}))


def machine(threads, java_opts):
    cpu = platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    import torch
    import torchvision
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [f"- {datetime.date.today().isoformat()}; CPU: {cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB memory",
            f"- torch {torch.__version__}, torchvision {torchvision.__version__}, Python {platform.python_version()}; "
            f"{java[0] if java else 'java ?'}",
            f"- threads: {threads} each (torch.set_num_threads; ForkJoinPool common parallelism {threads - 1} "
            f"plus the calling thread); rcnn4j's JVM options: `{java_opts}`"]


def mib(b):
    return f"{b / 2**20:,.0f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    p.add_argument("--cases", nargs="*", default=["coffee", "both", "coffee-2x"], choices=list(CASES))
    p.add_argument("--java-opts", default="-Xmx768m")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "rcnn4j-memory-compare"))
    p.add_argument("--rcnn4j", default=os.path.join(ROOT, "rcnn4j"))
    p.add_argument("--min-heap", action="store_true",
                   help="also find the smallest -Xmx (64 MB steps) under which rcnn4j detect completes")
    p.add_argument("--torch-child", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_child:
        torch_child(a.torch_child[0], a.torch_child[1], a.torch_child[2:], a.threads)
        return 0

    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ)
    # build the jar now if it is stale, so that no build runs inside a measurement
    subprocess.run([a.rcnn4j, "--help"], stdout=subprocess.DEVNULL, check=True)
    env["RCNN4J_NO_BUILD"] = "1"
    parallelism = f"-Djava.util.concurrent.ForkJoinPool.common.parallelism={max(1, a.threads - 1)}"

    def rcnn4j(java_opts, args):
        e = dict(env, RCNN4J_JAVA_OPTS=f"{java_opts} {parallelism}")
        return run_measured([a.rcnn4j] + args, e)

    rows = []
    _, py_base, _, _, _ = run_measured([sys.executable, "-c", "import torch, torchvision"])
    _, jvm_base, _, _, _ = rcnn4j(a.java_opts, ["--help"])
    rows.append(("baseline (start only)", "-", "python3 importing torch, torchvision", py_base, None,
                 "rcnn4j --help", jvm_base, None))
    print(f"baseline: python3+torch {mib(py_base)} MiB, JVM (rcnn4j --help, {a.java_opts}) {mib(jvm_base)} MiB",
          file=sys.stderr)
    min_heaps = {}
    for model in a.models:
        pth = os.path.join(a.work, model + ".pth")
        if not os.path.exists(pth):
            print(f"writing {pth} (seeded weights of gen_pretrained_parity.py)", file=sys.stderr)
            write_pth(model, pth)
        for case in a.cases:
            images = [photo(f, a.work) for f in CASES[case]]
            rc, t_rss, t_s, t_out, t_err = run_measured(
                [sys.executable, os.path.abspath(__file__), "--threads", str(a.threads), "--torch-child", model, pth]
                + images)
            if rc != 0:
                sys.exit(f"torchvision failed on {model} {case}:\n{t_err}")
            t_dets = json.loads(t_out.strip().splitlines()[-1])["detections"]
            out_dir = os.path.join(a.work, f"out-{model}-{case}")
            rc, r_rss, r_s, r_out, r_err = rcnn4j(a.java_opts, ["detect"] + images + [
                "--model", model, "--weights", pth, "--out", out_dir])
            if rc != 0:
                sys.exit(f"rcnn4j detect failed on {model} {case} with {a.java_opts}:\n{r_err}")
            r_dets = [int(line.split(": ", 1)[1].split(" ", 1)[0]) for line in r_out.splitlines()
                      if ": " in line and " detections (" in line]
            rows.append((model, "+".join(CASES[case]), f"{t_dets}", t_rss, t_s, f"{r_dets}", r_rss, r_s))
            print(f"{model} {case}: torchvision {mib(t_rss)} MiB ({t_s:.0f} s), rcnn4j {mib(r_rss)} MiB "
                  f"({r_s:.0f} s)", file=sys.stderr)
        if a.min_heap:
            images = [photo(f, a.work) for f in CASES["coffee-2x"]]
            lo, hi = 64, 2048  # MB: lo fails (assumed), hi must pass
            while hi - lo > 64:
                mid = (lo + hi) // 2 // 64 * 64 or 64
                rc, *_ = rcnn4j(f"-Xmx{mid}m", ["detect"] + images + ["--model", model, "--weights", pth,
                                                                      "--out", os.path.join(a.work, f"min-heap-{model}")])
                print(f"{model}: -Xmx{mid}m -> exit {rc}", file=sys.stderr)
                if rc == 0:
                    hi = mid
                else:
                    lo = mid
            min_heaps[model] = hi

    print()
    print("\n".join(machine(a.threads, a.java_opts)))
    print()
    print("| model | images | torchvision detections | torchvision peak RSS MiB | s "
          "| rcnn4j detections | rcnn4j peak RSS MiB | s | rcnn4j / torchvision |")
    print("|---|---|---|---:|---:|---|---:|---:|---:|")
    for model, images, t_dets, t_rss, t_s, r_dets, r_rss, r_s in rows:
        ratio = f"{r_rss / t_rss:.2f}" if t_s is not None else "-"
        print(f"| {model} | {images} | {t_dets} | {mib(t_rss)} | {'-' if t_s is None else f'{t_s:.0f}'} "
              f"| {r_dets} | {mib(r_rss)} | {'-' if r_s is None else f'{r_s:.0f}'} | {ratio} |")
    for model, mb in min_heaps.items():
        print(f"\nsmallest heap for {model} on coffee-2x.png (800x1200, padded to 800x1216): -Xmx{mb}m (64 MB steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
