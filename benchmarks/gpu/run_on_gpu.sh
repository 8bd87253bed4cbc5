#!/usr/bin/env bash
# Runs on a lent GPU machine (the device tool), from the repository root, with .gpu/ made by make_bundle.sh:
# the whole GPU test suite on the real device, then the side-by-side benchmarks against torchvision's CUDA ops.
# Logs and tables go to $OUT (the device tool returns at most 8 files: keep it to a few logs).
set -uo pipefail
out=${OUT:-/tmp/rcnn4j-gpu-out}
mkdir -p "$out"
tar -C /tmp -xJf .gpu/jre17.tar.xz
java=/tmp/jre17/bin/java
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv; } > "$out/device.txt" 2>&1
cat "$out/device.txt"

# GPU tests: every CUDA test on the real device. The emulator's own tests load the stand-in libcuda and cannot
# share a JVM with the real driver, so they are left to CI here.
"$java" --add-modules jdk.incubator.vector -Drcnn4j.test.cuda=gpu -jar .gpu/junit-console.jar execute \
    --class-path .gpu/test-classes:.gpu/rcnn4j-cli.jar \
    --select-package org.rcnn4j.backend.cuda --select-package org.rcnn4j.ops --select-package org.rcnn4j.cuda \
    --exclude-package org.rcnn4j.cuda.emu --details=tree --disable-banner > "$out/gpu-tests.log" 2>&1
echo "gpu tests exit code: $?"
grep -E "tests (successful|failed|skipped|aborted|found)" "$out/gpu-tests.log"

"$java" --add-modules jdk.incubator.vector -jar .gpu/rcnn4j-cli.jar example --device cuda > "$out/gpu-example.log" 2>&1
echo "rcnn4j example --device cuda exit code: $?"
tail -3 "$out/gpu-example.log"

if [ "${RCNN4J_SKIP_BENCH:-0}" != 1 ] && [ -f benchmarks/compare_torchvision.py ]; then
  PYTHONUNBUFFERED=1 python3 benchmarks/compare_torchvision.py --device cuda \
      --rcnn4j-cmd "$java -jar .gpu/rcnn4j-cli.jar" --results "$out" 2>&1 | tee "$out/gpu-bench.log"
fi

# The conv2d cases again on rcnn4j's own conv2d.cu (the pass above runs them on cuDNN where the machine has it,
# which the devices line below records), so cuDNN, rcnn4j's kernel and torch stand side by side.
RCNN4J_NO_BUILD=1 "$java" --add-modules jdk.incubator.vector -jar .gpu/rcnn4j-cli.jar devices > "$out/gpu-devices.txt" 2>&1
cat "$out/gpu-devices.txt"
if [ "${RCNN4J_SKIP_BENCH:-0}" != 1 ] && [ -f benchmarks/compare_torchvision.py ]; then
  mkdir -p "$out/own-kernels"
  PYTHONUNBUFFERED=1 python3 benchmarks/compare_torchvision.py --device cuda --ops conv2d \
      --java-opts "-Xmx6g -Drcnn4j.cudnn=false -Drcnn4j.cublas=false" \
      --rcnn4j-cmd "$java -jar .gpu/rcnn4j-cli.jar" --results "$out/own-kernels" 2>&1 | tee "$out/gpu-bench-own-kernels.log"
fi
