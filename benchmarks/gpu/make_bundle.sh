#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run rcnn4j's GPU tests and benchmarks into .gpu/ (git-ignored): a
# jlink'ed JRE (the GPU image has no JDK and no network), the JUnit console launcher, the runnable CLI jar
# (fatbin inside) and the compiled tests with their fixtures. Run from the repository root after
# `mvn -DskipTests package` and `mvn test-compile`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mkdir -p .gpu
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude

if [ ! -f .gpu/jre17.tar.xz ]; then
  tmp=$(mktemp -d)
  jlink --add-modules java.base,java.logging,jdk.unsupported,java.management,java.xml,jdk.incubator.vector,java.naming,jdk.zipfs,java.scripting,java.desktop \
        --strip-debug --no-man-pages --no-header-files --compress=2 --output "$tmp/jre17" 2>/dev/null
  tar -C "$tmp" -cJf .gpu/jre17.tar.xz jre17
  rm -rf "$tmp"
fi

console=org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar
[ -f "$HOME/.m2/repository/$console" ] ||
  mvn -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
cp "$HOME/.m2/repository/$console" .gpu/junit-console.jar

cp java/cli/target/rcnn4j-cli-*-standalone.jar .gpu/rcnn4j-cli.jar
rm -rf .gpu/test-classes && mkdir -p .gpu/test-classes
cp -r java/core/target/test-classes/. .gpu/test-classes/
cp -r java/cli/target/test-classes/. .gpu/test-classes/
cp -r bindings/target/test-classes/. .gpu/test-classes/
du -sh .gpu
