#!/usr/bin/env bash
# Runs the oneDNN tests (OneDnn*Test and ConvSelfCheckTest of bindings and core: the binding against a float64 loop,
# the CPU backend's convolutions against its own) against oneDNN 3, on a Debian 12 machine, whose own oneDNN is 2.6
# (libdnnl2).
#
# Debian 13's oneDNN 3 (package libdnnl3.6, file libdnnl.so.3.6) needs glibc 2.38 and libstdc++ 14, newer than
# Debian 12's, so it cannot be installed beside them. This script downloads it and the C and C++ runtime it needs
# (libc6, libstdc++6, libgcc-s1, libgomp1) from Debian 13's archive into build/onednn3/ (about 25 MB, once), and runs
# the test JVMs under that runtime's loader (ld-linux-x86-64.so.2 --library-path ...): the same JVM binary on a
# newer glibc, which is backward compatible. Nothing is installed on the machine.
#
#   tools/test_onednn3.sh              # after `mvn install` (or with the modules built): bindings and core tests
#   DEBIAN_MIRROR=http://... tools/test_onednn3.sh
#
# Needs curl, xz and dpkg-deb (Debian 12: apt-get install curl xz-utils). Exit code 2 when the download fails.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
dir="$root/build/onednn3"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages=(libdnnl3.6 libc6 libstdc++6 libgcc-s1 libgomp1)

die() {
    echo "test_onednn3: $*" >&2
    exit 2
}

for tool in curl xz dpkg-deb mvn java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install curl xz-utils)"
done

if [[ ! -f "$dir/unpacked" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir/debs" "$dir/root"
    echo "test_onednn3: downloading ${packages[*]} from $mirror (Debian 13, trixie)" >&2
    curl -fsSL --retry 3 "$mirror/dists/trixie/main/binary-amd64/Packages.xz" | xz -dc >"$dir/Packages" \
        || die "could not read $mirror/dists/trixie/main/binary-amd64/Packages.xz"
    for p in "${packages[@]}"; do
        file="$(awk -v want="Package: $p" '$0 == want { found = 1 } found && /^Filename:/ { print $2; exit }' \
            "$dir/Packages")"
        [[ -n "$file" ]] || die "no package $p in Debian 13's index"
        curl -fsSL --retry 3 -o "$dir/debs/${file##*/}" "$mirror/$file" || die "could not download $mirror/$file"
        dpkg-deb -x "$dir/debs/${file##*/}" "$dir/root"
    done
    touch "$dir/unpacked"
fi

lib="$dir/root/usr/lib/x86_64-linux-gnu"
dnnl="$lib/libdnnl.so.3.6"
[[ -e "$dnnl" && -x "$lib/ld-linux-x86-64.so.2" ]] || die "$dir is incomplete: delete it and run again"
java_home="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
[[ -x "$java_home/bin/java" ]] || die "cannot tell the JDK's home (java.home: '$java_home')"

# surefire starts this instead of java (it wants a path ending in bin/java): the JDK's own launcher, loaded by
# Debian 13's loader and libraries
launcher="$dir/jdk/bin/java"
mkdir -p "${launcher%/*}"
cat >"$launcher" <<EOF
#!/bin/sh
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib:$java_home/lib:$java_home/lib/server" "$java_home/bin/java" "\$@"
EOF
chmod +x "$launcher"
glibc="$("$lib/ld-linux-x86-64.so.2" --version | head -1 | sed -n 's/.*version \([0-9.]*[0-9]\).*/\1/p')"
echo "test_onednn3: $("$launcher" -version 2>&1 | head -1) on glibc $glibc; $dnnl" >&2

cd "$root"
# what rcnn4j makes of that library, as `rcnn4j devices` would say it (after the tests compiled the classes)
status() {
    "$launcher" -D"rcnn4j.onednn.library=$dnnl" -cp bindings/target/classes:bindings/target/test-classes \
        org.rcnn4j.onednn.FreshJvmStatus 2>/dev/null || true
}
run_tests() {
    mvn -B -ntp test -pl bindings,java/core -Dtest='OneDnn*Test,ConvSelfCheckTest' \
        -Dsurefire.failIfNoSpecifiedTests=false -Djvm="$launcher" -Drcnn4j.test.java="$launcher" \
        -Drcnn4j.onednn.library="$dnnl" -Drcnn4j.test.onednn=require -Drcnn4j.test.onednn.major=3 </dev/null
}

# as a user gets it: the convolutions are used when they pass rcnn4j's check, else the tests that need them say why
# they skip (Debian's 3.7.2 fails it on an AMD Zen 5 CPU, with AVX-512 and with AVX2: see ConvSelfCheck). Either way
# the check runs every convolution pass through the binding's 3.x path when the library opens, the tests fail unless
# that path was found (rcnn4j.test.onednn.major=3), and the sgemm tests run on oneDNN 3
run_tests
echo "test_onednn3: $(status)" >&2
