#!/usr/bin/env bash
# One command on a lent GPU machine (the device tool), from the repository root, with .gpu/ made by make_bundle.sh,
# in under 8 minutes (each stage has a time limit, 450 s in all; one that fails or runs out is recorded and the rest
# still run):
#   1. the whole GPU test suite on the real device (org.rcnn4j.backend.cuda, .nn, .detector, .ops, .cuda);
#   2. conv2d and Linear side by side: cuDNN / cuBLAS, rcnn4j's own conv2d.cu / gemm.cu, torch (CUDA);
#   3. maskrcnn_resnet50_fpn inference and one training step beside torchvision CUDA;
# and writes benchmarks/results/gpu-<date>-<gpu>.md (plus the logs in $OUT; the device tool returns at most 8 files).
#
#   OUT=/tmp/rcnn4j-gpu benchmarks/gpu/run_on_gpu.sh          # on the GPU machine
#   benchmarks/gpu/run_on_gpu.sh --emu                          # a dry run here, on cuda-emu (no GPU, no torch CUDA)
#
# --emu checks what can be checked without a GPU: this script's own steps, the CLI's devices listing, and rcnn4j's
# benchmark entry points on the CUDA emulator at tiny sizes (conv2d and matmul through the stand-in cuDNN/cuBLAS
# and through rcnn4j's own kernels, bench-detector's inference; its training step on the CPU backend, since the
# emulator takes minutes for one); torch runs nowhere there.
set -euo pipefail

emu=0
for arg in "$@"; do
  case "$arg" in
    --emu) emu=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run_on_gpu.sh: unknown argument '$arg' (expected --emu or nothing)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${OUT:-/tmp/rcnn4j-gpu-out}
mkdir -p "$out"
date_utc=$(date -u +%F)
start=$SECONDS
failures=()

die() { echo "run_on_gpu.sh: $*" >&2; exit 2; }

# A stage: a name, a time limit in seconds, a log file, then the command. Its exit status is recorded, never fatal.
stage() {
  local name=$1 limit=$2 log=$3
  shift 3
  echo "== $name (limit ${limit}s, log $log)"
  local status=0
  timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
      failures+=("$name: ran past ${limit}s")
    else
      failures+=("$name: exit code $status")
    fi
    echo "   $name failed (exit $status); last lines:"
    tail -5 "$log" | sed 's/^/   | /'
  fi
  echo "   done at $((SECONDS - start))s"
  return 0
}

command -v python3 > /dev/null || die "python3 not found: the benchmarks compare with torch (CUDA) through python3"
if [ "$emu" = 1 ]; then
  java=$(command -v java) || die "--emu: java not found (a JDK 17+ builds and runs rcnn4j here)"
  jar=$(ls java/cli/target/rcnn4j-cli-*-standalone.jar 2> /dev/null | head -1) ||
    true
  [ -n "$jar" ] || die "--emu: no java/cli/target/rcnn4j-cli-*-standalone.jar: run mvn -DskipTests install first"
  device=cuda-emu
  gpu=cuda-emu
else
  command -v nvidia-smi > /dev/null || die "nvidia-smi not found: is this a GPU machine? (use --emu for a dry run)"
  python3 -c 'import torch, torchvision, sys; sys.exit(0 if torch.cuda.is_available() else 3)' 2> "$out/torch.txt" ||
    die "python3 has no torch/torchvision with CUDA here: $(tail -1 "$out/torch.txt")"
  [ -f .gpu/jre17.tar.xz ] && [ -f .gpu/rcnn4j-cli.jar ] && [ -f .gpu/junit-console.jar ] && [ -d .gpu/test-classes ] ||
    die ".gpu/ is incomplete: run benchmarks/gpu/make_bundle.sh on a build machine and copy .gpu/ along"
  tar -C /tmp -xJf .gpu/jre17.tar.xz
  java=/tmp/jre17/bin/java
  jar=.gpu/rcnn4j-cli.jar
  device=cuda
  gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | sed 's/[^A-Za-z0-9]\+/-/g; s/^-//; s/-$//')
fi
rcnn4j="$java --add-modules jdk.incubator.vector -jar $jar"

{ date -u; if [ "$emu" = 1 ]; then echo "dry run on cuda-emu"; else
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv; fi; } > "$out/device.txt" 2>&1
cat "$out/device.txt"
stage "devices" 20 "$out/devices.txt" env RCNN4J_NO_BUILD=1 $rcnn4j devices
cat "$out/devices.txt"

if [ "$emu" = 1 ]; then
  # rcnn4j's benchmark entry points at tiny sizes on the emulator: conv2d and matmul through the stand-ins and
  # through rcnn4j's own kernels (what the GPU run times beside torch), bench-detector's inference and train step
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  python3 - "$work" <<'PY'
# tiny F32 inputs as safetensors, in plain Python (no torch needed for a dry run)
import json, os, random, struct, sys
def save(path, tensors):
    header, blob = {}, b""
    for name, shape in tensors.items():
        n = 1
        for d in shape:
            n *= d
        data = struct.pack("<%df" % n, *(random.gauss(0, 1) for _ in range(n)))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + blob)
random.seed(0)
save(os.path.join(sys.argv[1], "conv.safetensors"), {"input": [1, 8, 12, 10], "weight": [16, 8, 3, 3], "bias": [16]})
save(os.path.join(sys.argv[1], "linear.safetensors"), {"input": [20, 64], "other": [32, 64]})
PY
  for libs in "" "-Drcnn4j.cudnn=false -Drcnn4j.cublas=false"; do
    tag=${libs:+own}; tag=${tag:-vendor}
    stage "conv2d on cuda-emu ($tag)" 120 "$out/emu-conv-$tag.log" env JDK_JAVA_OPTIONS="$libs" $rcnn4j op conv2d \
        --in "$work/conv.safetensors" --out "$work/conv-$tag.out.safetensors" --device "$device" --set padding=1 --repeat 2
    stage "matmul on cuda-emu ($tag)" 120 "$out/emu-matmul-$tag.log" env JDK_JAVA_OPTIONS="$libs" $rcnn4j op matmul \
        --in "$work/linear.safetensors" --out "$work/linear-$tag.out.safetensors" --device "$device" \
        --set transpose_other=true --repeat 2
  done
  # the emulator runs ResNet-50 at a crawl: inference with a high score threshold (few masks) on cuda-emu, and the
  # training step's code on the CPU backend
  stage "bench-detector on cuda-emu (inference)" 300 "$out/emu-bench-detector.log" $rcnn4j bench-detector \
      --device "$device" --height 64 --width 96 --min-size 64 --max-size 96 --warmup 0 --repeat 1 --score-thresh 0.99
  stage "bench-detector on cpu (inference + 1 training step)" 200 "$out/emu-bench-detector-train-cpu.log" $rcnn4j \
      bench-detector --device cpu --height 64 --width 96 --min-size 64 --max-size 96 --warmup 0 --repeat 1 \
      --train-steps 1 --score-thresh 0
else
  # 1. the GPU test suite. The emulator's own tests load the stand-in libcuda and cannot share a JVM with the real
  # driver, so they are left to CI.
  stage "GPU tests" 170 "$out/gpu-tests.log" "$java" --add-modules jdk.incubator.vector -Drcnn4j.test.cuda=gpu \
      -jar .gpu/junit-console.jar execute --class-path .gpu/test-classes:.gpu/rcnn4j-cli.jar \
      --select-package org.rcnn4j.backend.cuda --select-package org.rcnn4j.nn --select-package org.rcnn4j.ops \
      --select-package org.rcnn4j.cuda --select-class org.rcnn4j.detector.FoldedDetectorParityTest \
      --exclude-package org.rcnn4j.cuda.emu --details=tree --disable-banner
  grep -E "tests (successful|failed|skipped|aborted|found)" "$out/gpu-tests.log" || true

  # 2. conv2d and Linear: cuDNN/cuBLAS beside torch, then rcnn4j's own kernels beside torch
  stage "conv2d + linear, cuDNN/cuBLAS vs torch" 70 "$out/gpu-bench.log" env PYTHONUNBUFFERED=1 python3 \
      benchmarks/compare_torchvision.py --device cuda --ops conv2d,matmul --rcnn4j-cmd "$java -jar $jar" \
      --results "$out/vendor"
  stage "conv2d + linear, own kernels vs torch" 70 "$out/gpu-bench-own.log" env PYTHONUNBUFFERED=1 python3 \
      benchmarks/compare_torchvision.py --device cuda --ops conv2d,matmul --rcnn4j-cmd "$java -jar $jar" \
      --java-opts "-Xmx6g -Drcnn4j.cudnn=false -Drcnn4j.cublas=false" --results "$out/own"

  # 3. maskrcnn_resnet50_fpn: inference and a training step beside torchvision CUDA
  stage "maskrcnn_resnet50_fpn vs torchvision" 120 "$out/gpu-maskrcnn.log" env PYTHONUNBUFFERED=1 python3 \
      benchmarks/maskrcnn_compare.py --device cuda --train-steps 2 --rcnn4j-cmd "$java -jar $jar" \
      --results "$out/maskrcnn"
fi

# The report: what ran, what failed, and every table, in one file under benchmarks/results/.
mkdir -p benchmarks/results
report=benchmarks/results/gpu-$date_utc-$gpu.md
[ "$emu" = 1 ] && report="$out/gpu-$date_utc-$gpu.md"  # a dry run's report stays out of the repository
{
  echo "# rcnn4j on $gpu ($date_utc)"
  echo
  echo "benchmarks/gpu/run_on_gpu.sh$([ "$emu" = 1 ] && echo " --emu"), $((SECONDS - start)) s in all."
  echo
  echo '```'
  cat "$out/device.txt"
  grep -E "^(cuda|cuDNN|cuBLAS|  )" "$out/devices.txt" 2> /dev/null | head -20 || true
  echo '```'
  echo
  if [ "${#failures[@]}" -eq 0 ]; then echo "Every stage finished."; else
    echo "Stages that did not finish:"; printf -- '- %s\n' "${failures[@]}"; fi
  echo
  if [ -f "$out/gpu-tests.log" ]; then
    echo "## GPU tests"; echo; echo '```'
    grep -E "tests (successful|failed|skipped|aborted|found)" "$out/gpu-tests.log" || echo "(no summary: see gpu-tests.log)"
    grep -E "✘|MethodSource.*FAILED" "$out/gpu-tests.log" | head -30 || true
    echo '```'; echo
  fi
  for part in vendor own maskrcnn; do
    for f in "$out/$part"/*.md; do
      [ -f "$f" ] || continue
      case $part in
        vendor) echo "## conv2d and Linear on cuDNN / cuBLAS, beside torch" ;;
        own) echo "## conv2d and Linear on rcnn4j's own kernels (-Drcnn4j.cudnn=false -Drcnn4j.cublas=false), beside torch" ;;
        maskrcnn) echo "## maskrcnn_resnet50_fpn inference and a training step, beside torchvision" ;;
      esac
      echo; sed '1{/^# /d}' "$f"; echo
    done
  done
  for f in "$out"/emu-*.log; do
    [ -f "$f" ] || continue
    echo "## $(basename "$f" .log)"; echo; echo '```'; grep -E "^time |^phase |ms|detections|train step|error" "$f" | head -20 || true
    echo '```'; echo
  done
} > "$report"
echo "wrote $report"
[ "${#failures[@]}" -eq 0 ] || { printf 'failed: %s\n' "${failures[@]}" >&2; exit 1; }
