#!/usr/bin/env bash
# Publishes samples/Inference as a NativeAOT binary and runs it; fails if the publish warns or fails, or if the
# sample does not learn (it exits non-zero then). Needs gcc (the native linker) and the ILCompiler package
# that the SDK restores for PublishAot.
# Usage: bash tests/Package/aot.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp -d "${TMPDIR:-/tmp}/netgen-aot.XXXXXX")"
trap 'rm -rf "$out"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
started=$SECONDS

echo "== publishing samples/Inference with NativeAOT"
# CppCompilerAndLinker=gcc: the machine has gcc, not clang. IlcInstructionSet=native: use the host's SIMD
# (AVX2/AVX-512); without it the binary targets the x64 baseline.
if ! dotnet publish "$root/samples/Inference/Inference.csproj" -c Release -r linux-x64 -o "$out" \
    -p:PublishAot=true -p:CppCompilerAndLinker=gcc -p:IlcInstructionSet=native \
    -warnaserror -warnNotAsError:NU1603,NU1901,NU1902,NU1903,NU1904 --nologo > "$out.log" 2>&1; then
  cat "$out.log"; rm -f "$out.log"
  echo "FAIL: NativeAOT publish of samples/Inference"
  exit 1
fi
rm -f "$out.log"
echo "PASS: NativeAOT publish without warnings ($(du -h "$out/Inference" | cut -f1) binary)"

echo "== running the native binary"
if "$out/Inference"; then
  echo "PASS: NativeAOT sample ran and learned ($((SECONDS - started)) s)"
else
  echo "FAIL: NativeAOT sample exited with $?"
  exit 1
fi
