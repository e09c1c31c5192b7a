#!/usr/bin/env bash
# Times the generated MNIST network (784-128-64-10) of two versions side by side in one process, alternating:
# the code is the snapshot tests/NetGen.Generator.Tests/Snapshots/SnapshotTests.MnistNet.verified.cs at each version,
# with its other parts (SnapshotTests.MnistNet.State.verified.cs, … since the generated code is several files)
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
snapshots=tests/NetGen.Generator.Tests/Snapshots
dir=tests/Benchmarks/SideBySide
rm -rf "$dir/Generated"
mkdir -p "$dir/Generated"
rename() { sed -e "s/^namespace Samples\$/namespace $1/"; }
parts() { # parts REVISION: the snapshot files of MnistNet at REVISION ("" for the working tree)
  if [ -n "$1" ]; then git ls-tree --name-only "$1" "$snapshots/"; else ls "$snapshots"/* ; fi |
    grep -E '/SnapshotTests\.MnistNet(\.[A-Za-z]+)?\.verified\.cs$'
}
show() { if [ -n "$1" ]; then git show "$1:$2"; else cat "$2"; fi; }
for file in $(parts "$before"); do show "$before" "$file" | rename Before > "$dir/Generated/Before.$(basename "$file")"; done
for file in $(parts "$after"); do show "$after" "$file" | rename After > "$dir/Generated/After.$(basename "$file")"; done
# A version from before buffers existed lacks INetwork's newer members; they are empty for MnistNet anyway.
if ! grep -q "BufferCount" "$dir"/Generated/Before.*.cs; then
  cat > "$dir/Generated/Before.Compat.cs" <<'CS'
namespace Before
{
    public partial class MnistNet
    {
        public static int BufferCount => 0;
        public System.Span<float> Buffers => default;
        public System.Span<long> Counters => default;
    }
}
CS
fi
dotnet build -c Release "$dir/SideBySide.csproj" -v quiet -nologo | grep -E "error|Warn|Elapsed" || true
dotnet "$dir/bin/Release/net10.0/SideBySide.dll" "$rounds" "$data"
