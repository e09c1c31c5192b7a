#!/usr/bin/env bash
# Runs every NetGen test on a fresh machine: installs what the tests need beyond the .NET SDK
# (Debian packages), restores, builds and runs the whole solution's tests, then the package
# consumer check. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages some tests and samples read (installed only when missing; needs root or sudo): fortunes is the
# corpus of samples/CharTransformer.
APT_PACKAGES=(dataset-fashion-mnist python3-torch python3-onnx fortunes)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" || {
    echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
passed=0
failed=0

dotnet test NetGen.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed:     0, Passed:    25, Skipped:     0, ..."
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+), Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' "$log")
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status (build or runner failure)"
  failed=$((failed + 1))
fi

# The generated kernels have one path per vector width, chosen when the JIT compiles them; this machine takes the
# widest. Run the numeric tests again with AVX-512, then AVX2, then every SIMD instruction set turned off, so that the
# Vector256, Vector128 and scalar paths are checked too.
for isa in DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0 DOTNET_EnableHWIntrinsic=0; do
  echo "NetGen.Tests with $isa"
  if out=$(env "$isa" dotnet test tests/NetGen.Tests -c Release --no-build 2>&1) && grep -q 'Passed!' <<<"$out"; then
    passed=$((passed + 1))
  else
    printf '%s\n' "$out" | tail -30; echo "FAILED: NetGen.Tests with $isa"; failed=$((failed + 1))
  fi
done

for script in tests/Package/consume.sh tests/Package/templates.sh tests/Package/aot.sh; do
  [ -f "$script" ] || continue
  if bash "$script"; then passed=$((passed + 1)); else echo "FAILED: $script"; failed=$((failed + 1)); fi
done

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
