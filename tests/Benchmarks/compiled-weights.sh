#!/usr/bin/env bash
# Build cost of compiled-in weights for the MNIST network (784-128-64-10, 109,386 float parameters, a 438 KB file):
# the way NetGen does it (the file embedded as a manifest resource by build/NetGen.targets, the generated source holding
# only offsets and a hash) against the two ways of putting the values in source (a UTF-8 "…"u8 literal of the file in
# base64, and a new byte[] { … } literal), and against no weights at all. For each: the generated/added source size,
# the compiler's time and the whole build's time in a build that recompiles (medians of 3, after a warm-up build), and
# the assembly size.
# Usage: bash tests/Benchmarks/compiled-weights.sh [weights.safetensors]   (default: samples/Inference/models/mnist.safetensors)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
weights="${1:-$root/samples/Inference/models/mnist.safetensors}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/netgen-weights-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

make_project() { # make_project DIR ATTRIBUTE [LIST]: LIST=1 lists the weights in AdditionalFiles (then they are embedded)
  mkdir -p "$1/models"
  cp "$weights" "$1/models/mnist.safetensors"
  local listed=""
  [[ "${3:-0}" == 1 ]] && listed='<AdditionalFiles Include="models/mnist.safetensors" />'
  cat > "$1/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/NetGen/NetGen.csproj" />
    <ProjectReference Include="$root/generator/NetGen.Generator/NetGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    $listed
  </ItemGroup>
  <Import Project="$root/src/NetGen/build/NetGen.targets" />
</Project>
XML
  cat > "$1/Program.cs" <<CS
using NetGen;
var net = new MnistNet();
System.Console.WriteLine(net.Parameters[0]);

$2
[Dense(784, 128)][Relu]
[Dense(128, 64)][Relu]
[Dense(64, 10)][Softmax]
public partial class MnistNet { }
CS
}

make_project "$tmp/none" "[Network]"
make_project "$tmp/resource" '[Network(Weights = "models/mnist.safetensors")]' 1
make_project "$tmp/u8" "[Network]"
make_project "$tmp/array" "[Network]"
python3 - "$weights" "$tmp" <<'PY'
import base64, sys
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2] + "/u8/Weights.cs", "w") as f:
    f.write('internal static class Weights { public static System.ReadOnlySpan<byte> Base64 => "' + base64.b64encode(data).decode() + '"u8; }\n')
with open(sys.argv[2] + "/array/Weights.cs", "w") as f:
    f.write("internal static class Weights { public static System.ReadOnlySpan<byte> Bytes => new byte[] { " + ", ".join(str(b) for b in data) + " }; }\n")
PY

# The compiler's time (the Csc task, generators included) is what the variants change; the whole build's time on a shared
# machine mostly measures the project references' up-to-date checks, so both are shown.
printf '%-10s %14s %12s %12s %14s\n' variant "added source" "compile" "build" assembly
for variant in none resource u8 array; do
  dir="$tmp/$variant"
  dotnet build "$dir" -c Release --nologo -v quiet > "$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
  times=()
  csc=()
  for i in 1 2 3; do
    touch "$dir/Program.cs"
    start=$(date +%s.%N)
    dotnet build "$dir" -c Release --nologo -v quiet --no-restore -clp:PerformanceSummary > "$dir/build.log" 2>&1 || { cat "$dir/build.log"; exit 1; }
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    csc+=("$(awk '/Task Performance Summary/ { on = 1 } on && $3 == "Csc" { print $1 }' "$dir/build.log" | tail -1)")
  done
  median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
  compile="$(printf '%s\n' "${csc[@]}" | sort -n | sed -n 2p)"
  generated="$(find "$dir/obj" -name 'MnistNet.g.cs' | head -1)"
  added=0
  [[ -f "$dir/Weights.cs" ]] && added=$(stat -c %s "$dir/Weights.cs")
  [[ "$variant" == resource ]] && added=$(( $(stat -c %s "$generated") - $(stat -c %s "$(find "$tmp/none/obj" -name 'MnistNet.g.cs' | head -1)") ))
  printf '%-10s %12s B %9s ms %10.2f s %12s B\n' "$variant" "$added" "$compile" "$median" "$(stat -c %s "$dir/bin/Release/net10.0/Bench.dll")"
done
