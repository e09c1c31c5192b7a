#!/usr/bin/env bash
# Publishes samples/Inference as a NativeAOT binary and runs it; fails if the publish warns or fails, if the
# sample does not learn (it exits non-zero then), or if its compiled-in MNIST weights (no model file beside the
# binary) do not classify the test set exactly as the JIT does with the same file loaded. Needs gcc (the native linker) and the ILCompiler package
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

# Compiled-in weights: the binary's TrainedMnist carries samples/Inference/models/mnist.safetensors. Nothing but the
# binary is run: no model file may be beside it, and it must classify the MNIST test set exactly as the JIT does with
# the same file loaded at run time (samples/Mnist --model).
if compgen -G "$out/*.safetensors" > /dev/null || compgen -G "$out/models/*" > /dev/null; then
  echo "FAIL: a model file was published beside the binary: $(ls "$out"/*.safetensors "$out"/models 2>/dev/null)"
  exit 1
fi
echo "PASS: no model file beside the binary"

echo "== running the native binary"
run_log="$(mktemp)"
if (cd "$(mktemp -d)" && "$out/Inference" --mnist "$root/data/mnist") | tee "$run_log"; then
  echo "PASS: NativeAOT sample ran and learned ($((SECONDS - started)) s)"
else
  echo "FAIL: NativeAOT sample exited with $?"
  exit 1
fi

echo "== the model the weights were built from, under the JIT (samples/Mnist --model)"
reference="$(dotnet run --project "$root/samples/Mnist" -c Release -- --model "$root/samples/Inference/models/mnist.safetensors" 2>&1 | grep -m1 '^test accuracy' || true)"
native="$(grep -m1 '^compiled-in weights' "$run_log" || true)"
rm -f "$run_log"
expected="$(sed -n 's/.*(\([0-9,]* of [0-9,]*\)).*/\1/p' <<< "$reference")"
actual="$(sed -n 's/.*(\([0-9,]* of [0-9,]*\)).*/\1/p' <<< "$native")"
echo "  JIT, file loaded:       $reference"
echo "  NativeAOT, compiled in: $native"
if [[ -n "$expected" && "$expected" == "$actual" ]]; then
  echo "PASS: compiled-in MNIST weights classify the test set as the model they were built from ($actual)"
else
  echo "FAIL: compiled-in weights give '${actual:-nothing}', the model file '${expected:-nothing}'"
  exit 1
fi
