#!/usr/bin/env python3
"""Where a training step's time goes, from a Java Flight Recording of a shortened demo.

Record (2 cores; 300 detector steps without pretraining):

    java --add-modules jdk.incubator.vector -XX:StartFlightRecording=filename=/tmp/det.jfr,settings=profile \
        -jar java/cli/target/rcnn4j-cli-0.1.0-SNAPSHOT-standalone.jar \
        demo --out /tmp/det --pretrain-steps 0 --steps 300 --test-scenes 8
    python3 tools/jfr_step_profile.py /tmp/det.jfr

It prints two tables:
- the main thread's time by phase: the forward of each part, and the backward of each autograd closure. Samples
  in native code (oneDNN) count 20 ms and Java samples 10 ms, the `profile` settings' periods. oneDNN's own OpenMP
  threads are not Java threads, so a phase's native share is the main thread waiting in oneDNN.
- the top Java frames over all threads (the fork/join workers included).

Only the JDK's `jfr` tool is needed (on the PATH, or next to `java`). The eighth session's numbers
(benchmarks/README.md, "the demo on a real AVX2 CPU") came from this reading.
"""
import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path

FRAME = re.compile(r"^\s+([\w.$<>]+)\.([\w$<>]+)\(", re.M)
THREAD = re.compile(r'sampledThread = "([^"]*)"')
# milliseconds per sample in the JDK's profile.jfc
PERIODS = {"jdk.ExecutionSample": 10, "jdk.NativeMethodSample": 20}


def jfr_tool():
    found = shutil.which("jfr")
    if found:
        return found
    java = shutil.which("java")
    if java:
        candidate = Path(java).resolve().parent / "jfr"
        if candidate.exists():
            return str(candidate)
    sys.exit("jfr_step_profile: the JDK's jfr tool was not found (put the JDK's bin folder on the PATH)")


def samples(recording, event):
    """(thread name, [Class.method, ...] innermost first) for each sample of one event type."""
    out = subprocess.run([jfr_tool(), "print", "--stack-depth", "80", "--events", event, recording],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split(event + " {")[1:]:
        thread = THREAD.search(block)
        frames = [f"{cls.rsplit('.', 1)[-1]}.{method}" for cls, method in FRAME.findall(block)]
        yield (thread.group(1) if thread else "?"), frames


def phase(frames):
    """The part of a step a main-thread sample belongs to."""
    stack = " ".join(frames)
    if "Autograd.backward" in stack or "Var.backward" in stack:
        closure = re.search(r"Functional\.lambda\$(\w+?)\$", stack)
        return "backward: " + (closure.group(1) if closure else frames[0])
    for needle, name in (("SingleItemRehearsal", "forward: rehearsal"), ("SmallBackbone", "forward: backbone"),
                         ("RegionProposalNetwork", "forward: rpn"), ("maskLogits", "forward: mask head"),
                         ("RoiHeads", "forward: box head"), ("Sgd", "optimizer"), ("GradClip", "optimizer"),
                         ("Evaluation", "evaluation"), ("FashionMnistScenes", "data")):
        if needle in stack:
            return name
    return "other"


def main():
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_file():
        sys.exit("usage: jfr_step_profile.py RECORDING.jfr")
    recording = sys.argv[1]
    by_phase = collections.Counter()
    leaves = collections.defaultdict(collections.Counter)
    java_top = collections.Counter()
    for event, ms in PERIODS.items():
        for thread, frames in samples(recording, event):
            if not frames:
                continue
            if event == "jdk.ExecutionSample":
                java_top[frames[0]] += 1
            if thread == "main":
                p = phase(frames)
                by_phase[p] += ms
                leaves[p][frames[0]] += ms
    total = sum(by_phase.values()) or 1
    print(f"main thread, {total / 1000:.1f} s sampled")
    for name, ms in by_phase.most_common(20):
        top = ", ".join(leaf for leaf, _ in leaves[name].most_common(2))
        print(f"{ms / 1000:7.1f} s {100 * ms / total:5.1f}%  {name}  [{top}]")
    n = sum(java_top.values()) or 1
    print(f"\nJava frames, all threads ({n} samples)")
    for frame, count in java_top.most_common(15):
        print(f"{100 * count / n:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
