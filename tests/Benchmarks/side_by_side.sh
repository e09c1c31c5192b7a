#!/usr/bin/env bash
# Times the generated MNIST network (784-128-64-10) of two versions side by side in one process, alternating:
# the code is the snapshot tests/NetGen.Generator.Tests/Snapshots/SnapshotTests.MnistNet.verified.cs at each version
# (keep the snapshots accepted: NETGEN_ACCEPT_SNAPSHOTS=1 dotnet test tests/NetGen.Generator.Tests).
#
#   tests/Benchmarks/side_by_side.sh BEFORE [AFTER] [ROUNDS] [DATA]
#
# BEFORE and AFTER are git revisions; AFTER defaults to the working tree (pass "" for it). ROUNDS defaults to 5 (best of).
# DATA is "random" (the default: uniformly spread nonzeros, no all-zero regions) or a directory with the MNIST IDX
# files (e.g. data/mnist, which the sample downloads): the first layer skips all-zero parts of its input, so both matter.
set -euo pipefail
cd "$(dirname "$0")/../.."
before=${1:?usage: side_by_side.sh BEFORE [AFTER] [ROUNDS]}
after=${2:-}
rounds=${3:-5}
data=${4:-random}
snapshot=tests/NetGen.Generator.Tests/Snapshots/SnapshotTests.MnistNet.verified.cs
dir=tests/Benchmarks/SideBySide
mkdir -p "$dir/Generated"
rename() { sed -e "s/^namespace Samples\$/namespace $1/"; }
git show "$before:$snapshot" | rename Before > "$dir/Generated/Before.cs"
if [ -n "$after" ]; then git show "$after:$snapshot"; else cat "$snapshot"; fi | rename After > "$dir/Generated/After.cs"
dotnet build -c Release "$dir/SideBySide.csproj" -v quiet -nologo | grep -E "error|Warn|Elapsed" || true
dotnet "$dir/bin/Release/net10.0/SideBySide.dll" "$rounds" "$data"
