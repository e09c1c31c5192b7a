#!/usr/bin/env bash
# Uses the NetGen package the way a stranger would: packs it, checks what is inside, then creates fresh
# console projects outside the repository that reference it by exact version.
#   1. a 4-16-3 network on synthetic data must build, train and learn (and also build for net8.0);
#   2. a network whose layer sizes do not chain must fail to build with NG0004;
#   3. a network with compiled-in weights, the file only listed in AdditionalFiles, starts with them, and a file of
#      another topology fails the build with NG0023.
# Usage: bash tests/Package/consume.sh        (KEEP_TMP=1 keeps the temporary folder for inspection)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/netgen-consume.XXXXXX")"
if [[ "${KEEP_TMP:-0}" == "1" ]]; then
  trap 'echo "kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
started=$SECONDS

# --- 1. Pack --------------------------------------------------------------------------------------------
version="$(dotnet msbuild "$root/src/NetGen/NetGen.csproj" -getProperty:Version)"
echo "== packing NetGen $version into $tmp/feed"
dotnet pack "$root/src/NetGen/NetGen.csproj" -c Release -o "$tmp/feed" --nologo -v quiet
nupkg="$tmp/feed/NetGen.$version.nupkg"
[[ -f "$nupkg" ]] && pass "packed $(basename "$nupkg")" || { fail "no $nupkg"; exit 1; }
[[ -f "$tmp/feed/NetGen.$version.snupkg" ]] && pass "symbols package NetGen.$version.snupkg" || fail "no symbols package"

# --- 2. What is inside --------------------------------------------------------------------------------
echo "== package contents"
if python3 - "$nupkg" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
for info in z.infolist():
    print(f"  {info.file_size:>9}  {info.filename}")
ok = True
for required in ["lib/net8.0/NetGen.dll", "lib/net10.0/NetGen.dll",
                 "analyzers/dotnet/cs/NetGen.Generator.dll", "analyzers/dotnet/cs/NetGen.Generator.CodeFixes.dll", "README.md",
                 "build/NetGen.targets", "buildTransitive/NetGen.targets"]:
    if required in names:
        print(f"PASS: contains {required}")
    else:
        print(f"FAIL: missing {required}"); ok = False
nuspec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode("utf-8-sig")
deps = re.findall(r'<dependency\s+id="([^"]+)"', nuspec)
if any(d.lower().startswith("microsoft.codeanalysis") for d in deps):
    print(f"FAIL: nuspec depends on Microsoft.CodeAnalysis: {deps}"); ok = False
else:
    print(f"PASS: nuspec dependencies: {deps or 'none (framework only)'}")
for tag in ["<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<repository type=\"git\""]:
    if tag in nuspec:
        print(f"PASS: nuspec has {tag}")
    else:
        print(f"FAIL: nuspec lacks {tag}"); ok = False
sys.exit(0 if ok else 1)
PY
then :; else failures=$((failures + 1)); fi

# --- 3. A consumer outside the repository ---------------------------------------------------------------
# A private package cache, so NetGen comes from the folder just packed and never from a stale cache.
# Everything else restores from the machine's usual NuGet sources, which stay in effect: the nuget.config
# below only adds the local folder.
export NUGET_PACKAGES="$tmp/packages"

new_consumer() { # new_consumer DIR
  mkdir -p "$1"
  (cd "$1" && dotnet new console --framework net10.0 --name Consumer --output . --no-restore >/dev/null)
  cat > "$1/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="netgen-local" value="$tmp/feed" />
  </packageSources>
</configuration>
XML
  (cd "$1" && dotnet add package NetGen --version "$version" >/dev/null)
}

echo "== consumer that learns ($tmp/learns)"
new_consumer "$tmp/learns"
cat > "$tmp/learns/Program.cs" <<'CS'
using System;
using NetGen;

// Three Gaussian blobs in 4 dimensions; the network must learn to tell them apart.
var random = new Random(7);
float[][] centers = { new[] { 1f, 1f, 0f, 0f }, new[] { -1f, 0f, 1f, 0f }, new[] { 0f, -1f, -1f, 1f } };
const int Count = 300;
var inputs = new float[Count * Blobs.InputSize];
var labels = new int[Count];
for (int n = 0; n < Count; n++)
{
    labels[n] = n % 3;
    for (int i = 0; i < Blobs.InputSize; i++)
    {
        inputs[n * Blobs.InputSize + i] = centers[labels[n]][i] + 0.4f * (float)(random.NextDouble() * 2 - 1);
    }
}

var net = new Blobs();
net.InitializeParameters(seed: 1);
Console.WriteLine($"Blobs: {Blobs.InputSize} -> {Blobs.OutputSize}, {Blobs.ParameterCount} parameters");

float MeanLoss()
{
    double total = 0;
    for (int n = 0; n < Count; n++) total += net.Loss(inputs.AsSpan(n * Blobs.InputSize, Blobs.InputSize), labels[n]);
    return (float)(total / Count);
}

float first = MeanLoss();
Console.WriteLine($"step    0  loss {first:F4}");
const int BatchSize = 30;
for (int step = 1; step <= 300; step++)
{
    int start = (step * BatchSize) % Count;
    net.Train(inputs.AsSpan(start * Blobs.InputSize, BatchSize * Blobs.InputSize), labels.AsSpan(start, BatchSize), 0.1f);
    if (step % 50 == 0) Console.WriteLine($"step {step,4}  loss {MeanLoss():F4}");
}

float last = MeanLoss();
int correct = 0;
for (int n = 0; n < Count; n++)
{
    if (net.Classify(inputs.AsSpan(n * Blobs.InputSize, Blobs.InputSize)) == labels[n]) correct++;
}

Span<float> p = stackalloc float[Blobs.OutputSize];
for (int n = 0; n < 3; n++)
{
    net.Predict(inputs.AsSpan(n * Blobs.InputSize, Blobs.InputSize), p);
    Console.WriteLine($"example {n}: label {labels[n]}, predicted {net.Classify(inputs.AsSpan(n * Blobs.InputSize, Blobs.InputSize))}, p = [{p[0]:F3}, {p[1]:F3}, {p[2]:F3}]");
}

double accuracy = (double)correct / Count;
Console.WriteLine($"loss {first:F4} -> {last:F4}, accuracy {accuracy:P1}");
if (!(last < 0.5f * first) || accuracy < 0.95)
{
    Console.WriteLine("did not learn");
    return 1;
}

Console.WriteLine("learned");
return 0;

[Network]
[Dense(4, 16)][Relu]
[Dense(16, 3)][Softmax]
public partial class Blobs { }
CS

# Warnings are errors here: generated code must compile cleanly in a default console project.
if dotnet build "$tmp/learns" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/learns-build.log" 2>&1; then
  pass "consumer builds against NetGen $version with warnings as errors"
else
  cat "$tmp/learns-build.log"; fail "consumer does not build"
fi

metadata="$NUGET_PACKAGES/netgen/$version/.nupkg.metadata"
if [[ -f "$metadata" ]] && grep -q "$tmp/feed" "$metadata"; then
  pass "NetGen $version was restored from the freshly packed folder"
else
  fail "NetGen $version was not restored from $tmp/feed"
fi

if dotnet run --project "$tmp/learns" -c Release --no-build > "$tmp/learns-run.log" 2>&1; then
  sed 's/^/  | /' "$tmp/learns-run.log"
  pass "consumer trains and learns"
else
  sed 's/^/  | /' "$tmp/learns-run.log"; fail "consumer ran but did not learn (exit code non-zero)"
fi

# The same program against lib/net8.0, compiled as C# 12 (net8.0's default). Build only: the machine may have
# no .NET 8 runtime to run it.
echo "== the same consumer for net8.0 ($tmp/learns-net8)"
mkdir -p "$tmp/learns-net8"
cp "$tmp/learns/Program.cs" "$tmp/learns/nuget.config" "$tmp/learns-net8/"
sed 's#<TargetFramework>net10.0</TargetFramework>#<TargetFramework>net8.0</TargetFramework>#' \
  "$tmp/learns/Consumer.csproj" > "$tmp/learns-net8/Consumer.csproj"
if dotnet build "$tmp/learns-net8" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/learns-net8-build.log" 2>&1 \
   && grep -q '"lib/net8.0/NetGen.dll"' "$tmp/learns-net8/obj/project.assets.json"; then
  pass "consumer builds for net8.0 against lib/net8.0 with warnings as errors"
else
  cat "$tmp/learns-net8-build.log"; fail "consumer does not build for net8.0"
fi

# --- 4. A consumer whose layer sizes do not chain -------------------------------------------------------
echo "== consumer with mismatched sizes ($tmp/mismatch)"
new_consumer "$tmp/mismatch"
cat > "$tmp/mismatch/Program.cs" <<'CS'
using NetGen;

System.Console.WriteLine(Broken.ParameterCount);

[Network]
[Dense(4, 16)][Relu]
[Dense(8, 3)][Softmax]
public partial class Broken { }
CS
if dotnet build "$tmp/mismatch" -c Release --nologo > "$tmp/mismatch-build.log" 2>&1; then
  cat "$tmp/mismatch-build.log"; fail "mismatched network built; expected error NG0004"
elif grep -q "error NG0004" "$tmp/mismatch-build.log"; then
  grep -m1 "error NG0004" "$tmp/mismatch-build.log" | sed "s|$tmp/||g; s/^ *//; s/^/  | /"
  pass "mismatched network fails to build with NG0004"
  # The generated stub keeps Program.cs compiling: NG0004 is the only error (no CS0117 for ParameterCount).
  others="$(grep -E "error [A-Z]+[0-9]+" "$tmp/mismatch-build.log" | grep -v "error NG0004" | sort -u || true)"
  [[ -z "$others" ]] && pass "NG0004 is the only error" || { echo "$others"; fail "errors besides NG0004"; }
else
  cat "$tmp/mismatch-build.log"; fail "build failed, but without NG0004"
fi

# --- 5. Compiled-in weights through the package's build targets ------------------------------------------
# The project only lists the file in AdditionalFiles; the package's build/NetGen.targets hands it to the generator,
# which checks it against the topology, and embeds it. The app must start with the file's values and read no file.
write_weights() { # write_weights PATH HIDDEN [SEED]: a 4-HIDDEN-3 nn.Sequential state_dict in safetensors, values from a seed
  python3 - "$1" "$2" "${3:-7}" <<'PY'
import json, random, struct, sys
path, hidden = sys.argv[1], int(sys.argv[2])
random.seed(int(sys.argv[3]))
header, blob = {}, b""
for name, shape in [("0.weight", [hidden, 4]), ("0.bias", [hidden]), ("2.weight", [3, hidden]), ("2.bias", [3])]:
    n = shape[0] * (shape[1] if len(shape) > 1 else 1)
    raw = struct.pack("<%df" % n, *[random.uniform(-1, 1) for _ in range(n)])
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(blob), len(blob) + len(raw)]}
    blob += raw
text = json.dumps(header).encode()
open(path, "wb").write(struct.pack("<Q", len(text)) + text + blob)
PY
}

echo "== consumer with compiled-in weights ($tmp/weights)"
new_consumer "$tmp/weights"
mkdir -p "$tmp/weights/models"
write_weights "$tmp/weights/models/blobs.safetensors" 16
sed -i 's#</Project>#  <ItemGroup>\n    <AdditionalFiles Include="models/blobs.safetensors" />\n  </ItemGroup>\n</Project>#' "$tmp/weights/Consumer.csproj"
cat > "$tmp/weights/Program.cs" <<'CS'
using System;
using NetGen;

var compiled = new Compiled();
var loaded = new Plain();
loaded.Load(args[0]);
bool same = compiled.Parameters.SequenceEqual(loaded.Parameters);
Console.WriteLine($"compiled-in weights {(same ? "equal" : "differ from")} the file loaded at run time ({Compiled.CompiledWeightsResource})");
return same ? 0 : 1;

[Network(Weights = "models/blobs.safetensors")]
[Dense(4, 16)][Relu]
[Dense(16, 3)][Softmax]
public partial class Compiled { }

[Network]
[Dense(4, 16)][Relu]
[Dense(16, 3)][Softmax]
public partial class Plain { }
CS
if dotnet build "$tmp/weights" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/weights-build.log" 2>&1; then
  pass "consumer with [Network(Weights = ...)] and <AdditionalFiles> builds against the package"
  if [[ -n "$(find "$tmp/weights/bin" -name '*.safetensors')" ]]; then
    fail "the weights file was copied to the output folder"
  fi
  if dotnet "$tmp/weights/bin/Release/net10.0/Consumer.dll" "$tmp/weights/models/blobs.safetensors" > "$tmp/weights-run.log" 2>&1; then
    sed 's/^/  | /' "$tmp/weights-run.log"; pass "the network starts with the compiled-in weights"
  else
    sed 's/^/  | /' "$tmp/weights-run.log"; fail "the compiled-in weights are not the file's"
  fi
else
  cat "$tmp/weights-build.log"; fail "consumer with compiled-in weights does not build"
fi

write_weights "$tmp/weights/models/blobs.safetensors" 8
if dotnet build "$tmp/weights" -c Release --nologo > "$tmp/weights-mismatch.log" 2>&1; then
  fail "a weights file of another topology built; expected error NG0023"
elif grep -q "error NG0023: .*tensor '0.weight' has shape \[8, 4\]; expected \[16, 4\]" "$tmp/weights-mismatch.log"; then
  grep -m1 "error NG0023" "$tmp/weights-mismatch.log" | sed "s|$tmp/||g; s/^ *//; s/^/  | /"
  pass "a weights file of another topology fails the build with NG0023, after an incremental build"
else
  cat "$tmp/weights-mismatch.log"; fail "build failed, but without the expected NG0023"
fi

# Weights files anywhere: names that differ only by a space and an underscore, a file outside the project by a relative
# path and another by an absolute one, a file listed twice. Each network gets its own file's values, and the build
# writes nothing outside obj/ (before, the absolute path's copy went beside the user's model, and the project-external
# file was "not among the AdditionalFiles").
echo "== compiled-in weights from odd paths ($tmp/paths)"
new_consumer "$tmp/paths"
mkdir -p "$tmp/paths/models" "$tmp/shared" "$tmp/elsewhere"
write_weights "$tmp/paths/models/a b.safetensors" 16 1
write_weights "$tmp/paths/models/a_b.safetensors" 16 2
write_weights "$tmp/shared/outside.safetensors" 16 3
write_weights "$tmp/elsewhere/absolute.safetensors" 16 4
touch "$tmp/paths-marker"
sed -i "s#</Project>#  <ItemGroup>\n    <AdditionalFiles Include=\"models/a b.safetensors\" />\n    <AdditionalFiles Include=\"models/a_b.safetensors\" />\n    <AdditionalFiles Include=\"models/a b.safetensors\" />\n    <AdditionalFiles Include=\"../shared/outside.safetensors\" />\n    <AdditionalFiles Include=\"$tmp/elsewhere/absolute.safetensors\" />\n  </ItemGroup>\n</Project>#" "$tmp/paths/Consumer.csproj"
cat > "$tmp/paths/Program.cs" <<'CS'
using System;
using System.Linq;
using NetGen;

int failures = 0;
Check(new Space().Parameters.ToArray(), "models/a b.safetensors");
Check(new Underscore().Parameters.ToArray(), "models/a_b.safetensors");
Check(new Outside().Parameters.ToArray(), "../shared/outside.safetensors");
Check(new Absolute().Parameters.ToArray(), "../elsewhere/absolute.safetensors");
return failures;

void Check(float[] compiled, string file)
{
    var loaded = new Plain();
    loaded.Load(file);
    bool same = compiled.SequenceEqual(loaded.Parameters.ToArray());
    Console.WriteLine($"{file}: compiled-in weights {(same ? "equal" : "differ from")} the file");
    failures += same ? 0 : 1;
}

[Network(Weights = "models/a b.safetensors")][Dense(4, 16)][Relu][Dense(16, 3)][Softmax]
public partial class Space { }

[Network(Weights = "models/a_b.safetensors")][Dense(4, 16)][Relu][Dense(16, 3)][Softmax]
public partial class Underscore { }

[Network(Weights = "../shared/outside.safetensors")][Dense(4, 16)][Relu][Dense(16, 3)][Softmax]
public partial class Outside { }

[Network(Weights = "../elsewhere/absolute.safetensors")][Dense(4, 16)][Relu][Dense(16, 3)][Softmax]
public partial class Absolute { }

[Network][Dense(4, 16)][Relu][Dense(16, 3)][Softmax]
public partial class Plain { }
CS
if dotnet build "$tmp/paths" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/paths-build.log" 2>&1; then
  pass "a project whose weights files are outside it, listed twice or named alike builds"
  stray="$(find "$tmp/paths/models" "$tmp/shared" "$tmp/elsewhere" -newer "$tmp/paths-marker" -type f)"
  [[ -z "$stray" ]] && pass "the build wrote nothing beside the weights files" || { echo "$stray"; fail "the build wrote beside the weights files"; }
  if (cd "$tmp/paths" && dotnet bin/Release/net10.0/Consumer.dll > "$tmp/paths-run.log" 2>&1); then
    sed 's/^/  | /' "$tmp/paths-run.log"; pass "each network starts with its own file's weights"
  else
    sed 's/^/  | /' "$tmp/paths-run.log"; fail "a network does not start with its own file's weights"
  fi
else
  grep -E "error|warning" "$tmp/paths-build.log" | sort -u | head -20; fail "a project with weights files from odd paths does not build"
fi

# --- 6. The second package: NetGen.Console ---------------------------------------------------------------
echo "== packing NetGen.Console $version; a consumer that trains with its display ($tmp/console)"
dotnet pack "$root/src/NetGen.Console/NetGen.Console.csproj" -c Release -o "$tmp/feed" --nologo -v quiet
[[ -f "$tmp/feed/NetGen.Console.$version.nupkg" ]] && pass "packed NetGen.Console.$version.nupkg" || fail "no NetGen.Console package"
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); n = z.namelist(); sys.exit(0 if "README.md" in n and b"<readme>README.md</readme>" in z.read("NetGen.Console.nuspec") else 1)' \
  "$tmp/feed/NetGen.Console.$version.nupkg" && pass "NetGen.Console carries its README" || fail "NetGen.Console has no README in the package"
new_consumer "$tmp/console"
(cd "$tmp/console" && dotnet add package NetGen.Console --version "$version" >/dev/null)
cat > "$tmp/console/Program.cs" <<'CS'
using System;
using NetGen;
using NetGen.Data;
using NetGen.Reporting;
using NetGen.Training;

// Two noisy clusters; ConsoleTraining.Fit trains with the live display (plain lines here: output is redirected).
var random = new Random(3);
var x = new float[400 * 2];
var y = new int[400];
for (int i = 0; i < 400; i++)
{
    y[i] = i % 2;
    x[2 * i] = (y[i] == 0 ? -1f : 1f) + (float)(random.NextDouble() - 0.5);
    x[2 * i + 1] = (float)(random.NextDouble() - 0.5);
}

var data = new Dataset(x, y, 2, 2);
var net = new Pair();
TrainingResult result = ConsoleTraining.Fit(net, data, new TrainerOptions { Epochs = 5, BatchSize = 16, ValidationSplit = 0.25 });
TrainingPlot.Save("curve.png", "pair", result.History);
Console.WriteLine(Pair.Summary);
return result.Last!.ValidationAccuracy > 0.95 ? 0 : 1;

[Network(Optimizer = Optimizer.Adam)]
[Dense(2, 8)][Tanh]
[Dense(8, 2)][Softmax]
public partial class Pair { }
CS
if dotnet build "$tmp/console" -c Release -p:TreatWarningsAsErrors=true --nologo -v quiet > "$tmp/console-build.log" 2>&1 \
   && (cd "$tmp/console" && dotnet run -c Release --no-build > "$tmp/console-run.log" 2>&1) && [[ -s "$tmp/console/curve.png" ]]; then
  sed 's/^/  | /' "$tmp/console-run.log" | head -12
  pass "a consumer of NetGen.Console trains with its display and writes the plot"
else
  cat "$tmp/console-build.log" "$tmp/console-run.log" 2>/dev/null; fail "the NetGen.Console consumer failed"
fi

echo "== $((SECONDS - started)) s"
if [[ $failures -eq 0 ]]; then
  echo "PASS: NetGen $version package works for a consumer"
else
  echo "FAIL: $failures check(s) failed"
  exit 1
fi
