#!/usr/bin/env bash
# Side-by-side comparison of NetGen with PyTorch, TorchSharp and (inference) ONNX Runtime on the MNIST
# epoch protocol (docs/performance.md). Builds everything in Release, then runs every configuration
# (net x batch x threads) with the contenders alternating (the order rotates each round) for N rounds,
# writes every key=value line to OUT/results.txt and prints a Markdown table of medians with the
# NetGen ratios (OUT/table.md).
#
#   tests/Benchmarks/compare.sh [--rounds 3] [--nets A,B] [--batches 1,32,128] [--threads 1,2]
#                               [--onnx-batches 256,1000] [--out artifacts/compare] [--no-build] [--no-install]
#   tests/Benchmarks/compare.sh --sequence [--rounds 3] [--nets LSTM,GRU,STREAM,TCN,TRANSFORMER] [--batches 1,32]
#                               [--samples-b1 2000] [--samples-mb 16000] [--out artifacts/compare-sequence]
#   tests/Benchmarks/compare.sh --cnn [--rounds 3] [--nets LeNet5,ResNet] [--batches 1,32] [--samples-b1 10000]
#                               [--samples-mb 60000] [--out artifacts/compare-cnn]
#   tests/Benchmarks/compare.sh --optimizers [--rounds 3] [--batches 32,128] [--optimizers Sgd,Momentum,Nesterov,Adam,AdamW]
#                               [--parts mnist,small,firstuse,threads] [--passes 50] [--thread-batches 32,128,256]
#                               [--out artifacts/compare-optimizers]
#
# --sequence: the recurrent comparison (row-MNIST LSTM/GRU training at batch 1 and 32 over the first N images,
# single predict, the LSTM(1->32) streaming step) of NetGen, PyTorch, TorchSharp and, for the LSTM prediction,
# ONNX Runtime; one thread; N is the same for every peer (--samples-b1 at batch 1, --samples-mb above).
#
# --cnn: the convolutional comparison (LeNet-5 and the ResNet of samples/FashionResNet on MNIST: training at batch 1
# and 32 over the first N images in training mode, test accuracy, single predict) of NetGen, PyTorch, TorchSharp and,
# for the prediction, ONNX Runtime (PyTorch's weights written by NetGen's SaveOnnx); with ResNet, NetGen also runs
# ResNetNoNorm (the ResNet without batch normalization: what the normalization costs Predict); one thread; N as for
# --sequence (defaults 10,000 and 60,000).
#
# --optimizers: every optimizer against torch.optim (same hyperparameters), 1 thread unless said: net B's MNIST epoch
# per optimizer and batch (mnist); 64-100-10 and 30-32-1 on synthetic digits-/breast-cancer-sized data, batch 32,
# --passes passes (small); a fresh process's JIT and time to the first step (firstuse: 64-100-10 and net B, SGD and
# Adam); net B with TrainingThreads 1 and 2 alternately in one process (threads: SGD and Adam, --thread-batches).
# PyTorch only (no TorchSharp, no ONNX Runtime).
#
# The peer projects (tests/Benchmarks/TorchSharpPeer, tests/Benchmarks/OnnxPeer) are deliberately not in
# NetGen.sln: TorchSharp-cpu alone brings ~1 GB of libtorch. Measure on an idle machine: 2-thread
# figures collapse when anything else runs on the cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

ROUNDS=3 NETS="" BATCHES="" THREADS=1,2 ONNX_BATCHES=256,1000 OUT="" BUILD=1 INSTALL=1
SEQUENCE=0 CNN=0 SAMPLES_B1="" SAMPLES_MB=""
OPTIMIZERS=0 OPTIMIZER_LIST=Sgd,Momentum,Nesterov,Adam,AdamW PARTS=mnist,small,firstuse,threads PASSES=50 THREAD_BATCHES=32,128,256
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --nets) NETS=$2; shift 2 ;;
    --batches) BATCHES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --onnx-batches) ONNX_BATCHES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-install) INSTALL=0; shift ;;
    --sequence) SEQUENCE=1; shift ;;
    --cnn) CNN=1; shift ;;
    --optimizers) # the mode; followed by a list (not an option), also the optimizers to run
      OPTIMIZERS=1
      if [ $# -gt 1 ] && [[ $2 != --* ]]; then OPTIMIZER_LIST=$2; shift 2; else shift; fi ;;
    --parts) PARTS=$2; shift 2 ;;
    --passes) PASSES=$2; shift 2 ;;
    --thread-batches) THREAD_BATCHES=$2; shift 2 ;;
    --samples-b1) SAMPLES_B1=$2; shift 2 ;;
    --samples-mb) SAMPLES_MB=$2; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ $((SEQUENCE + CNN + OPTIMIZERS)) -gt 1 ]; then
  echo "--sequence, --cnn and --optimizers are separate comparisons: choose one" >&2; exit 2
elif [ "$OPTIMIZERS" = 1 ]; then
  : "${BATCHES:=32,128}" "${OUT:=artifacts/compare-optimizers}"
  [ -z "$NETS" ] || { echo "--optimizers has fixed nets (B, Digits, Binary): drop --nets" >&2; exit 2; }
  for part in ${PARTS//,/ }; do
    case $part in mnist|small|firstuse|threads) ;; *) echo "unknown part '$part' (mnist, small, firstuse, threads)" >&2; exit 2 ;; esac
  done
elif [ "$SEQUENCE" = 1 ]; then
  : "${NETS:=LSTM,GRU,STREAM}" "${BATCHES:=1,32}" "${OUT:=artifacts/compare-sequence}" "${SAMPLES_B1:=2000}" "${SAMPLES_MB:=16000}"
elif [ "$CNN" = 1 ]; then
  : "${NETS:=LeNet5,ResNet}" "${BATCHES:=1,32}" "${OUT:=artifacts/compare-cnn}" "${SAMPLES_B1:=10000}" "${SAMPLES_MB:=60000}"
  for net in ${NETS//,/ }; do
    case $net in LeNet5|ResNet) ;; *) echo "--cnn nets are LeNet5 and ResNet (not $net)" >&2; exit 2 ;; esac
  done
else
  : "${NETS:=A,B}" "${BATCHES:=1,32,128}" "${OUT:=artifacts/compare}"
fi
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
LOG=$OUT/run.log
: > "$RESULTS"
: > "$LOG"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# PyTorch: Debian's python3-torch with Debian's own python3 (not a pyenv python3 earlier on PATH), and
# Debian's OpenBLAS (OpenMP build, so torch.set_num_threads also sets the BLAS threads) preloaded in
# place of the reference BLAS python3-torch is linked against.
PYTHON=/usr/bin/python3
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
APT_PACKAGES=(python3-torch libopenblas0-openmp)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$INSTALL" = 1 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "+ apt-get install ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]}" >&2; exit 1
  fi
fi
# peers.md was measured with OPENBLAS_CORETYPE=Haswell (AVX2 kernels); keep the environment's value if set.
TORCH_ENV=(env LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}")

NETGEN_DLL=tests/NetGen.Benchmarks/bin/Release/net10.0/NetGen.Benchmarks.dll
TS_DIR=tests/Benchmarks/TorchSharpPeer
TS_DLL=$TS_DIR/bin/Release/net10.0/TorchSharpPeer.dll
ORT_DLL=tests/Benchmarks/OnnxPeer/bin/Release/net10.0/OnnxPeer.dll
DATA=data/mnist

DOTNET_PEERS=1 # TorchSharp and ONNX Runtime: not in the optimizer comparison
[ "$OPTIMIZERS" = 1 ] && DOTNET_PEERS=0
PROJECTS=(tests/NetGen.Benchmarks/NetGen.Benchmarks.csproj)
[ "$DOTNET_PEERS" = 1 ] && PROJECTS+=($TS_DIR/TorchSharpPeer.csproj tests/Benchmarks/OnnxPeer/OnnxPeer.csproj)
if [ "$BUILD" = 1 ]; then
  for proj in "${PROJECTS[@]}"; do
    echo "+ dotnet build -c Release $proj"
    dotnet build -c Release "$proj" >> "$LOG" 2>&1 || { tail -30 "$LOG"; exit 1; }
  done
fi
# libLibTorchSharp.so needs GLIBCXX_3.4.32, Debian 12 has 3.4.30: mark that need weak in the copy under bin/
# (the build restores the original every time, so this runs after each build).
for so in $([ "$DOTNET_PEERS" = 1 ] && find "$TS_DIR/bin/Release" -name libLibTorchSharp.so); do
  echo "+ $PYTHON tests/Benchmarks/weaken_glibcxx.py $so"
  $PYTHON tests/Benchmarks/weaken_glibcxx.py "$so"
done
run() { # run LABEL ROUND command...
  local label=$1 round=$2; shift 2
  echo "+ $*" >> "$LOG"
  local out
  if out=$("$@" 2>> "$LOG"); then
    printf '%s\n' "$out" | { grep '^peer=' || true; } | sed "s/\$/ round=$round/" | tee -a "$RESULTS"
  else
    echo "!! $label failed (round $round): $*" | tee -a "$RESULTS" >&2
  fi
}

machine() { # the machine, the versions and the peers' configuration
  echo "## Machine and versions"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "kernel: $(uname -sr); $(grep -m1 -o -w -E 'avx512f' /proc/cpuinfo >/dev/null && echo AVX-512 || echo no AVX-512)"
  lscpu 2>/dev/null | grep -E '^(L2|L3) cache' | sed 's/  */ /g' || true
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "dotnet: $(dotnet --version)"
  echo "python: $($PYTHON --version 2>&1) ($PYTHON); python3-torch $(dpkg-query -W -f '${Version}' python3-torch); libopenblas0-openmp $(dpkg-query -W -f '${Version}' libopenblas0-openmp)"
  "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_epoch.py --versions
  if [ "$DOTNET_PEERS" = 1 ]; then
    dotnet "$TS_DLL" --versions 2>&1 | grep -v '^$' || echo "TorchSharp: failed to load"
    dotnet "$ORT_DLL" --versions
  fi
  echo "OPENBLAS_CORETYPE for PyTorch: ${OPENBLAS_CORETYPE:-Haswell}; OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
  echo
}

if [ "$SEQUENCE" = 1 ]; then
  # The recurrent comparison. The ONNX model is the PyTorch LSTM trained at batch 32 on the batched N images, its
  # weights loaded into NetGen's RowLstm and written by NetGen's own SaveOnnx.
  echo "+ ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_sequence.py --export-weights $OUT --samples $SAMPLES_MB; dotnet $NETGEN_DLL onnx --net LSTM"
  ONNX=1
  rm -f "$OUT/lstm.onnx" "$OUT/lstm.safetensors" "$OUT/lstm.probs.txt"
  { "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_sequence.py --export-weights "$OUT" --samples "$SAMPLES_MB" --data "$DATA" &&
    dotnet "$NETGEN_DLL" onnx --net LSTM --weights "$OUT/lstm.safetensors" --out "$OUT/lstm.onnx"; } 2>> "$LOG" || {
    echo "!! ONNX export of the LSTM failed (see $LOG): ONNX Runtime is skipped" >&2; ONNX=0; }
  {
    machine
    echo "## Commands (per configuration; contenders alternate, order rotating each round; 1 thread)"
    echo "NetGen:      dotnet $NETGEN_DLL sequence --nets NET --batches BATCH --samples N --data $DATA"
    echo "PyTorch:     ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_sequence.py --nets NET --batches BATCH --samples N --data $DATA"
    echo "TorchSharp:  dotnet $TS_DLL sequence --nets NET --batches BATCH --samples N --data $DATA"
    echo "OnnxRuntime: dotnet $ORT_DLL --sequence --model $OUT/lstm.onnx --data $DATA   (with the LSTM at batch 1)"
    echo "N: $SAMPLES_B1 at batch 1, $SAMPLES_MB at larger batches; NET STREAM and TCN: no batch, no N (TCN: NetGen and PyTorch only)"
    echo "rounds=$ROUNDS nets=$NETS batches=$BATCHES onnx=$ONNX"
    echo
  } | tee "$OUT/machine.txt"

  for ((round = 1; round <= ROUNDS; round++)); do
    echo "# round $round/$ROUNDS"
    config=0 # the first contender is (round + configuration index) mod count: every contender leads in turn
    for net in ${NETS//,/ }; do
      batches=$BATCHES
      [ "$net" = STREAM ] || [ "$net" = TCN ] && batches=1
      for batch in ${batches//,/ }; do
        n=$SAMPLES_B1
        [ "$batch" != 1 ] && n=$SAMPLES_MB
        contenders=(NetGen PyTorch TorchSharp)
        [ "$net" = TCN ] || [ "$net" = TRANSFORMER ] && contenders=(NetGen PyTorch) # TorchSharp's peer has neither
        [ "$ONNX" = 1 ] && [ "$net" = LSTM ] && [ "$batch" = 1 ] && contenders+=(OnnxRuntime)
        k_n=${#contenders[@]}
        for ((k = 0; k < k_n; k++)); do
          c=${contenders[$(((k + round + config) % k_n))]}
          case $c in
            NetGen) run NetGen "$round" dotnet "$NETGEN_DLL" sequence --nets "$net" --batches "$batch" --samples "$n" --data "$DATA" ;;
            PyTorch) run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_sequence.py --nets "$net" --batches "$batch" --samples "$n" --data "$DATA" ;;
            TorchSharp) run TorchSharp "$round" dotnet "$TS_DLL" sequence --nets "$net" --batches "$batch" --samples "$n" --data "$DATA" ;;
            OnnxRuntime) run OnnxRuntime "$round" dotnet "$ORT_DLL" --sequence --model "$OUT/lstm.onnx" --data "$DATA" ;;
          esac
        done
        config=$((config + 1))
      done
    done
  done

  echo
  echo "## Medians over $ROUNDS round(s) ($RESULTS)"
  $PYTHON tests/Benchmarks/summarize.py --sequence "$RESULTS" | tee "$OUT/table.md"
  exit 0
fi

if [ "$CNN" = 1 ]; then
  # The convolutional comparison. Each net's ONNX model is the net as PyTorch trained it at batch 32 on the batched N
  # images, its weights loaded into NetGen's class and written by NetGen's own SaveOnnx.
  ONNX_NETS=()
  for net in ${NETS//,/ }; do
    stem=$(echo "$net" | tr 'A-Z' 'a-z')
    rm -f "$OUT/$stem.onnx" "$OUT/$stem.safetensors" "$OUT/$stem.probs.txt"
    echo "+ ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_cnn.py --nets $net --export-weights $OUT --samples $SAMPLES_MB; dotnet $NETGEN_DLL onnx --net $net"
    if { "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_cnn.py --nets "$net" --export-weights "$OUT" --samples "$SAMPLES_MB" --data "$DATA" &&
      dotnet "$NETGEN_DLL" onnx --net "$net" --weights "$OUT/$stem.safetensors" --out "$OUT/$stem.onnx"; } 2>> "$LOG"; then
      ONNX_NETS+=("$net")
    else
      echo "!! ONNX export of $net failed (see $LOG): ONNX Runtime is skipped for it" >&2
    fi
  done
  {
    machine
    echo "## Commands (per configuration; contenders alternate, order rotating each round; 1 thread)"
    echo "NetGen:      dotnet $NETGEN_DLL cnn --nets NET --batches BATCH --samples N --data $DATA   (NET = LeNet5, or ResNet,ResNetNoNorm)"
    echo "PyTorch:     ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_cnn.py --nets NET --batches BATCH --samples N --data $DATA"
    echo "TorchSharp:  dotnet $TS_DLL cnn --nets NET --batches BATCH --samples N --data $DATA"
    echo "OnnxRuntime: dotnet $ORT_DLL --cnn --net NET --model $OUT/net.onnx --data $DATA   (with batch 1)"
    echo "N: $SAMPLES_B1 at batch 1, $SAMPLES_MB at larger batches"
    echo "rounds=$ROUNDS nets=$NETS batches=$BATCHES onnx=${ONNX_NETS[*]:-none}"
    echo
  } | tee "$OUT/machine.txt"

  for ((round = 1; round <= ROUNDS; round++)); do
    echo "# round $round/$ROUNDS"
    config=0 # the first contender is (round + configuration index) mod count: every contender leads in turn
    for net in ${NETS//,/ }; do
      stem=$(echo "$net" | tr 'A-Z' 'a-z')
      netgen_nets=$net
      [ "$net" = ResNet ] && netgen_nets=ResNet,ResNetNoNorm
      for batch in ${BATCHES//,/ }; do
        n=$SAMPLES_B1
        [ "$batch" != 1 ] && n=$SAMPLES_MB
        contenders=(NetGen PyTorch TorchSharp)
        [[ " ${ONNX_NETS[*]:-} " == *" $net "* ]] && [ "$batch" = 1 ] && contenders+=(OnnxRuntime)
        k_n=${#contenders[@]}
        for ((k = 0; k < k_n; k++)); do
          c=${contenders[$(((k + round + config) % k_n))]}
          case $c in
            NetGen) run NetGen "$round" dotnet "$NETGEN_DLL" cnn --nets "$netgen_nets" --batches "$batch" --samples "$n" --data "$DATA" ;;
            PyTorch) run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_cnn.py --nets "$net" --batches "$batch" --samples "$n" --data "$DATA" ;;
            TorchSharp) run TorchSharp "$round" dotnet "$TS_DLL" cnn --nets "$net" --batches "$batch" --samples "$n" --data "$DATA" ;;
            OnnxRuntime) run OnnxRuntime "$round" dotnet "$ORT_DLL" --cnn --net "$net" --model "$OUT/$stem.onnx" --data "$DATA" ;;
          esac
        done
        config=$((config + 1))
      done
    done
  done

  echo
  echo "## Medians over $ROUNDS round(s) ($RESULTS)"
  $PYTHON tests/Benchmarks/summarize.py --cnn "$RESULTS" | tee "$OUT/table.md"
  exit 0
fi

if [ "$OPTIMIZERS" = 1 ]; then
  # The optimizer comparison: NetGen (one class per optimizer, tests/NetGen.Benchmarks/OptimizerNetworks.cs) against
  # PyTorch's torch.optim with the same hyperparameters (tests/Benchmarks/torch_optimizers.py). The small networks'
  # synthetic data is written once by NetGen and read by both peers.
  SMALL_DATA=$OUT/small-data
  echo "+ dotnet $NETGEN_DLL smalldata --out $SMALL_DATA"
  dotnet "$NETGEN_DLL" smalldata --out "$SMALL_DATA" 2>> "$LOG"
  {
    machine
    echo "## Commands (per configuration; contenders alternate, order rotating each round; 1 thread unless said)"
    echo "mnist    NetGen:  dotnet $NETGEN_DLL optimizers --case mnist --optimizers OPT --batches BATCH --data $DATA"
    echo "mnist    PyTorch: ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_optimizers.py --case mnist --optimizers OPT --batches BATCH --data $DATA"
    echo "small    NetGen:  dotnet $NETGEN_DLL optimizers --case small --nets NET --optimizers OPT --batches 32 --passes $PASSES --small-data $SMALL_DATA"
    echo "small    PyTorch: ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_optimizers.py --case small --nets NET --optimizers OPT --batches 32 --passes $PASSES --small-data $SMALL_DATA"
    echo "firstuse NetGen:  dotnet $NETGEN_DLL firstuse --net NET --optimizer OPT --first train|predict --launched-unix-ns \$(date +%s%N)   (a fresh process each)"
    echo "firstuse PyTorch: ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_optimizers.py --case firstuse --net NET --optimizer OPT --launched-unix-ns \$(date +%s%N)"
    echo "threads  NetGen:  dotnet $NETGEN_DLL optimizers --case threads --optimizers OPT --batches BATCH --threads 1,2 (2,1 in even rounds) --data $DATA"
    echo "rounds=$ROUNDS parts=$PARTS optimizers=$OPTIMIZER_LIST batches=$BATCHES passes=$PASSES thread_batches=$THREAD_BATCHES"
    echo
  } | tee "$OUT/machine.txt"

  has_part() { [[ ",$PARTS," == *",$1,"* ]]; }
  first_use_optimizers=()
  for o in Sgd Adam; do [[ ",$OPTIMIZER_LIST," == *",$o,"* ]] && first_use_optimizers+=("$o"); done
  for ((round = 1; round <= ROUNDS; round++)); do
    echo "# round $round/$ROUNDS"
    config=0 # the first contender is (round + configuration index) mod count: every contender leads in turn
    contenders=(NetGen PyTorch)
    if has_part mnist; then
      for batch in ${BATCHES//,/ }; do
        for opt in ${OPTIMIZER_LIST//,/ }; do
          for ((k = 0; k < 2; k++)); do
            case ${contenders[$(((k + round + config) % 2))]} in
              NetGen) run NetGen "$round" dotnet "$NETGEN_DLL" optimizers --case mnist --optimizers "$opt" --batches "$batch" --data "$DATA" ;;
              PyTorch) run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_optimizers.py --case mnist --optimizers "$opt" --batches "$batch" --data "$DATA" ;;
            esac
          done
          config=$((config + 1))
        done
      done
    fi
    if has_part small; then
      for net in Digits Binary; do
        for opt in ${OPTIMIZER_LIST//,/ }; do
          for ((k = 0; k < 2; k++)); do
            case ${contenders[$(((k + round + config) % 2))]} in
              NetGen) run NetGen "$round" dotnet "$NETGEN_DLL" optimizers --case small --nets "$net" --optimizers "$opt" --batches 32 --passes "$PASSES" --small-data "$SMALL_DATA" ;;
              PyTorch) run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_optimizers.py --case small --nets "$net" --optimizers "$opt" --batches 32 --passes "$PASSES" --small-data "$SMALL_DATA" ;;
            esac
          done
          config=$((config + 1))
        done
      done
    fi
    if has_part firstuse; then
      # A fresh process per measurement; the launch time is taken just before the process starts.
      for net in Digits B; do
        for opt in "${first_use_optimizers[@]}"; do
          for first in train predict; do
            run NetGen "$round" dotnet "$NETGEN_DLL" firstuse --net "$net" --optimizer "$opt" --first "$first" --launched-unix-ns "$(date +%s%N)"
          done
          run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_optimizers.py --case firstuse --net "$net" --optimizer "$opt" --launched-unix-ns "$(date +%s%N)"
        done
      done
    fi
    if has_part threads; then
      order=1,2
      [ $((round % 2)) = 0 ] && order=2,1
      for opt in "${first_use_optimizers[@]}"; do
        for batch in ${THREAD_BATCHES//,/ }; do
          run NetGen "$round" dotnet "$NETGEN_DLL" optimizers --case threads --optimizers "$opt" --batches "$batch" --threads "$order" --data "$DATA"
        done
      done
    fi
  done

  echo
  echo "## Medians over $ROUNDS round(s) ($RESULTS)"
  $PYTHON tests/Benchmarks/summarize.py --optimizers "$RESULTS" | tee "$OUT/table.md"
  exit 0
fi

# The ONNX model: net B trained one epoch by PyTorch at batch 32, loaded into NetGen's NetB and written by NetGen's SaveOnnx.
echo "+ ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_epoch.py --export-weights $OUT; dotnet $NETGEN_DLL onnx --net B"
ONNX=1
rm -f "$OUT/netB.onnx" "$OUT/netB.safetensors"
{ "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_epoch.py --export-weights "$OUT" --data "$DATA" &&
  dotnet "$NETGEN_DLL" onnx --net B --weights "$OUT/netB.safetensors" --out "$OUT/netB.onnx"; } 2>> "$LOG" || {
  echo "!! ONNX export failed (see $LOG): ONNX Runtime is skipped" >&2; ONNX=0; }

{
  machine
  echo "## Commands (per configuration; contenders alternate, order rotating each round)"
  echo "NetGen:      dotnet $NETGEN_DLL epoch --nets NET --batches BATCH --threads T --data $DATA   (T = TrainingThreads: mini-batches only)"
  echo "PyTorch:     ${TORCH_ENV[*]} $PYTHON tests/Benchmarks/torch_epoch.py --nets NET --batches BATCH --threads T --data $DATA"
  echo "TorchSharp:  dotnet $TS_DLL --nets NET --batches BATCH --threads T --data $DATA"
  echo "OnnxRuntime: dotnet $ORT_DLL --model $OUT/netB.onnx --batches $ONNX_BATCHES --data $DATA   (with net B, batch 1, 1 thread)"
  echo "NetGen infer: dotnet $NETGEN_DLL infer --batches $ONNX_BATCHES --data $DATA   (batched inference beside ONNX Runtime's)"
  echo "rounds=$ROUNDS nets=$NETS batches=$BATCHES threads=$THREADS"
  echo
} | tee "$OUT/machine.txt"

for ((round = 1; round <= ROUNDS; round++)); do
  echo "# round $round/$ROUNDS"
  config=0 # the first contender is (round + configuration index) mod count: every contender leads in turn
  for net in ${NETS//,/ }; do
    for batch in ${BATCHES//,/ }; do
      for threads in ${THREADS//,/ }; do
        contenders=()
        if [ "$threads" = 1 ] || [ "$batch" != 1 ]; then contenders+=(NetGen); fi
        contenders+=(PyTorch TorchSharp)
        [ "$ONNX" = 1 ] && [ "$net" = B ] && [ "$batch" = 1 ] && [ "$threads" = 1 ] && contenders+=(OnnxRuntime NetGenInfer)
        n=${#contenders[@]}
        for ((k = 0; k < n; k++)); do
          c=${contenders[$(((k + round + config) % n))]}
          case $c in
            NetGen) run NetGen "$round" dotnet "$NETGEN_DLL" epoch --nets "$net" --batches "$batch" --threads "$threads" --data "$DATA" ;;
            PyTorch) run PyTorch "$round" "${TORCH_ENV[@]}" $PYTHON tests/Benchmarks/torch_epoch.py --nets "$net" --batches "$batch" --threads "$threads" --data "$DATA" ;;
            TorchSharp) run TorchSharp "$round" dotnet "$TS_DLL" --nets "$net" --batches "$batch" --threads "$threads" --data "$DATA" ;;
            OnnxRuntime) run OnnxRuntime "$round" dotnet "$ORT_DLL" --model "$OUT/netB.onnx" --batches "$ONNX_BATCHES" --data "$DATA" ;;
            NetGenInfer) run NetGen "$round" dotnet "$NETGEN_DLL" infer --batches "$ONNX_BATCHES" --data "$DATA" ;;
          esac
        done
        config=$((config + 1))
      done
    done
  done
done

echo
echo "## Medians over $ROUNDS round(s) ($RESULTS)"
$PYTHON tests/Benchmarks/summarize.py "$RESULTS" | tee "$OUT/table.md"
