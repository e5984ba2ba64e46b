#!/bin/sh
# Installs what `make fuzz` needs beyond `make test`: clang and its
# runtime (libFuzzer, the sanitizers), only when `clang -fsanitize=fuzzer`
# cannot link a program. Uses sudo when not root.
set -e
probe=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-fuzz-probe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
works() { command -v clang >/dev/null 2>&1 && clang -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >/dev/null 2>&1; }
works && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "paramlab: make fuzz needs clang with libFuzzer (Debian: clang libclang-rt-dev)"
    exit 1
fi
echo "paramlab: installing clang and its libFuzzer runtime (clang libclang-rt-dev)"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || echo "paramlab: apt-get update failed; trying the install anyway"
$sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-dev
works || { echo "paramlab: clang -fsanitize=fuzzer still cannot link"; exit 1; }
